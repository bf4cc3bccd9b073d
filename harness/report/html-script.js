// @ts-check
// The report's only script, embedded verbatim in index.html as an inline module (html-writer.ts
// reads this file). The page is complete without it (server-rendered grid, anchors to detail
// sections); the script adds filters kept in the URL hash, a detail dialog and copy buttons. It
// reads data only from the JSON island and the DOM, and writes text only through textContent or
// clones of already-escaped nodes: captured output can never become markup.
// A plain browser module with JSDoc types, so `tsc` checks it although nothing builds it.

/**
 * @typedef {{ i: number, id: string, axes: Record<string, string>, outcome: string, verdict: string }} CellData
 * @typedef {{ axes: string[], cells: CellData[] }} ReportData
 * @typedef {Record<string, string>} FilterState
 */

/** @param {string} selector @param {ParentNode} [root] */
function one(selector, root = document) {
  const element = root.querySelector(selector);
  if (!element) throw new Error(`dlmatrix report: no ${selector}`);
  return /** @type {HTMLElement} */ (element);
}

/** @param {string} selector @param {ParentNode} [root] */
function all(selector, root = document) {
  return /** @type {HTMLElement[]} */ ([...root.querySelectorAll(selector)]);
}

export function startReport() {
  /** @type {ReportData} */
  const data = JSON.parse(one('#dlmatrix-data').textContent ?? '{}');
  const form = /** @type {HTMLFormElement} */ (one('#filters'));
  const dialog = /** @type {HTMLDialogElement} */ (one('#cell-dialog'));
  const dialogBody = one('.body', dialog);
  const keys = ['outcome', 'verdict', ...data.axes, 'q'];
  /** @type {Record<number, HTMLElement>} */
  const gridCells = {};
  for (const td of all('td.cell[data-cell]')) gridCells[Number(td.dataset.cell)] = td;
  // Everything else that shows one cell: its detail section and its rows in the lists above.
  /** @type {Record<number, HTMLElement[]>} */
  const listed = {};
  for (const element of all('article.detail[data-cell], tr[data-cell]')) (listed[Number(element.dataset.cell)] ??= []).push(element);
  // Rows whose cells were all skipped are one line listing their cells.
  const foldedRows = all('.grid tr.folded');
  /** @type {Record<number, string>} */
  const haystacks = {};

  /** Search covers the whole detail section (reason, output) as the reader sees it. @param {CellData} cell */
  function haystack(cell) {
    if (!(cell.i in haystacks)) {
      const article = document.getElementById(`cell-${cell.i}`);
      haystacks[cell.i] = `${article ? article.textContent : ''} ${cell.id}`.toLowerCase();
    }
    return haystacks[cell.i];
  }

  /** @param {CellData} cell @param {FilterState} state */
  function matches(cell, state) {
    if (state.outcome && cell.outcome !== state.outcome) return false;
    if (state.verdict && cell.verdict !== state.verdict) return false;
    for (const axis of data.axes) if (state[axis] && cell.axes[axis] !== state[axis]) return false;
    return !state.q || haystack(cell).includes(state.q.toLowerCase());
  }

  const controls = () => /** @type {(HTMLInputElement | HTMLSelectElement)[]} */ (all('[data-filter]', form));

  /** @returns {FilterState} */
  function stateFromHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    /** @type {FilterState} */
    const state = {};
    for (const key of keys) {
      const value = params.get(key);
      if (value) state[key] = value;
    }
    return state;
  }

  /** @returns {FilterState} */
  function stateFromForm() {
    /** @type {FilterState} */
    const state = {};
    for (const control of controls()) if (control.value) state[control.dataset.filter ?? ''] = control.value;
    return state;
  }

  /** @param {FilterState} state */
  function showState(state) {
    for (const control of controls()) {
      const value = state[control.dataset.filter ?? ''] ?? '';
      if (control instanceof HTMLSelectElement && value && ![...control.options].some((option) => option.value === value)) {
        // A shared link may name a value this run lacks: keep it selectable rather than drop it.
        const option = document.createElement('option');
        option.value = value;
        option.textContent = value;
        control.appendChild(option);
      }
      control.value = value;
    }
  }

  /** @param {FilterState} state */
  function writeHash(state) {
    const params = new URLSearchParams();
    for (const key of keys) if (state[key]) params.set(key, state[key]);
    const text = params.toString();
    history.replaceState(null, '', text ? `#${text}` : location.pathname + location.search);
  }

  /** @param {FilterState} state */
  function apply(state) {
    let shown = 0;
    /** @type {Set<string>} */
    const rowHits = new Set();
    /** @type {Set<string>} */
    const colHits = new Set();
    /** @type {Set<number>} */
    const hits = new Set();
    for (const cell of data.cells) {
      const hit = matches(cell, state);
      if (hit) {
        shown++;
        hits.add(cell.i);
      }
      const td = gridCells[cell.i];
      if (td) {
        td.classList.toggle('filtered', !hit);
        if (hit) {
          rowHits.add(td.dataset.row ?? '');
          colHits.add(td.dataset.col ?? '');
        }
      }
      for (const element of listed[cell.i] ?? []) element.hidden = !hit;
    }
    for (const tr of foldedRows) if ((tr.dataset.cells ?? '').split(' ').some((i) => hits.has(Number(i)))) rowHits.add(tr.dataset.row ?? '');
    // Rows and columns with nothing left are removed so the filtered grid stays compact.
    for (const tr of all('.grid tbody tr')) tr.classList.toggle('hidden', !rowHits.has(tr.dataset.row ?? ''));
    for (const element of all('.grid [data-col]')) element.classList.toggle('hidden', !colHits.has(element.dataset.col ?? ''));
    // Grouped headers span only the columns still shown.
    for (const th of /** @type {HTMLTableCellElement[]} */ (all('.grid thead th[data-cols]'))) {
      const span = (th.dataset.cols ?? '').split(' ').filter((col) => colHits.has(col)).length;
      th.classList.toggle('hidden', span === 0);
      th.colSpan = Math.max(1, span);
    }
    for (const td of /** @type {HTMLTableCellElement[]} */ (all('.grid td.fold'))) td.colSpan = Math.max(1, colHits.size);
    one('.count', form).textContent = `${shown} of ${data.cells.length} cells shown`;
  }

  function update() {
    const state = stateFromForm();
    apply(state);
    writeHash(state);
  }

  function restore() {
    // A plain #cell-N anchor is not a filter: show everything and let the browser scroll to it.
    const state = location.hash.includes('=') ? stateFromHash() : {};
    showState(state);
    apply(state);
  }

  /** @param {string} index */
  function openCell(index) {
    const article = document.getElementById(`cell-${index}`);
    if (!article || typeof dialog.showModal !== 'function') return false;
    const copy = /** @type {HTMLElement} */ (article.cloneNode(true));
    copy.removeAttribute('id');
    copy.hidden = false;
    for (const details of /** @type {HTMLDetailsElement[]} */ (all('details.out', copy))) details.open = true;
    dialogBody.replaceChildren(copy);
    if (!dialog.open) dialog.showModal();
    dialog.scrollTop = 0;
    return true;
  }

  /** @param {HTMLElement} button */
  function selectText(button) {
    const range = document.createRange();
    range.selectNodeContents(one('code', /** @type {HTMLElement} */ (button.parentNode)));
    const selection = getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
  }

  form.hidden = false;
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  form.addEventListener('submit', (event) => event.preventDefault());
  one('.reset', form).addEventListener('click', () => {
    showState({});
    update();
  });
  window.addEventListener('hashchange', restore);
  for (const button of all('.cmd button[hidden]')) button.hidden = false;

  document.addEventListener('click', (event) => {
    const target = /** @type {Element} */ (event.target);
    const link = /** @type {HTMLElement | null} */ (target.closest('a[data-open]'));
    if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey && openCell(link.dataset.open ?? '')) {
      event.preventDefault();
      return;
    }
    const button = /** @type {HTMLElement | null} */ (target.closest('.cmd button'));
    if (button) {
      const text = one('code', /** @type {HTMLElement} */ (button.parentNode)).textContent ?? '';
      const done = () => {
        button.textContent = 'Copied';
        setTimeout(() => (button.textContent = 'Copy'), 1500);
      };
      if (navigator.clipboard?.writeText) navigator.clipboard.writeText(text).then(done, () => selectText(button));
      else selectText(button);
    }
  });
  one('.close', dialog).addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });

  restore();
}

// In the page only: importing this file (as html-writer.ts does) runs nothing.
if (typeof document !== 'undefined') startReport();
