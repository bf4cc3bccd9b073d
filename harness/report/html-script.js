// @ts-check
// The report's only script, embedded verbatim in index.html as an inline module (html-writer.ts
// reads this file). It draws the grid and the cell details from the page's data (html-data.ts):
//   - the index (every cell's axes, outcome, verdict, grid position) is inflated at start;
//   - the grid draws only the rows in view, plus a margin (a virtual list: spacer rows stand in
//     for the others), so 100,000 cells cost what 30 rows cost;
//   - a cell's detail is inflated when it is opened, one chunk of cells at a time; a text search
//     inflates them all once.
// Filters live in the URL hash; #cell-N opens that cell. Everything captured is written only
// through textContent (never as markup), so output can never become part of the page.
// A plain browser module with JSDoc types, so `tsc` checks it although nothing builds it.

/**
 * @typedef {import('./html-data.ts').PageData} PageData
 * @typedef {import('./html-data.ts').IndexData} IndexData
 * @typedef {import('./html-data.ts').ChunkData} ChunkData
 * @typedef {import('./html-data.ts').DetailField} DetailField
 * @typedef {Record<string, string>} FilterState
 * @typedef {{ chunk: ChunkData, k: number }} Detail  a cell's place in its chunk
 */

/** Rows drawn above and below the ones in view: the grid is redrawn only once they are scrolled past. */
const MARGIN_ROWS = 6;

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

/**
 * An element with a class and text (always as text, never markup).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {string} [className] @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** @param {string} base64 */
function bytesOf(base64) {
  const fromBase64 = /** @type {{ fromBase64?: (s: string) => Uint8Array }} */ (/** @type {unknown} */ (Uint8Array)).fromBase64;
  if (fromBase64) return fromBase64(base64);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Gzip-compressed JSON in base64, inflated by the browser itself. @param {string} base64 */
async function inflate(base64) {
  const inflater = new DecompressionStream('gzip');
  const writer = inflater.writable.getWriter();
  void writer.write(/** @type {Uint8Array<ArrayBuffer>} */ (bytesOf(base64)));
  void writer.close();
  return JSON.parse(await new Response(inflater.readable).text());
}

export async function startReport() {
  /** @type {PageData} */
  const page = JSON.parse(one('#dlmatrix-data').textContent ?? '{}');
  const form = /** @type {HTMLFormElement} */ (one('#filters'));
  const dialog = /** @type {HTMLDialogElement} */ (one('#cell-dialog'));
  const dialogBody = one('.body', dialog);
  const gridbox = document.getElementById('gridbox');
  if (gridbox) gridbox.hidden = false;

  /** @type {IndexData} */
  let index;
  try {
    index = await inflate(page.index);
  } catch (error) {
    const placeholder = gridbox?.querySelector('tr.placeholder td');
    if (placeholder) placeholder.textContent = `This browser cannot read the report's data (${String(error)}): it needs DecompressionStream (Chrome 80, Firefox 113, Safari 16.4 or later). results.json holds every cell.`;
    throw error;
  }
  const n = index.cells;
  const keys = ['outcome', 'verdict', ...index.axes, 'q'];
  const field = /** @type {Record<DetailField, number>} */ ({});
  index.fields.forEach((name, i) => (field[name] = i));
  const columnCount = index.columns.length;
  const rowCount = index.rows.length;
  // The cell in each row and column, -1 where the matrix has none.
  const cellAt = new Int32Array(rowCount * columnCount).fill(-1);
  for (let i = 0; i < n; i++) if (index.row[i] >= 0 && index.column[i] >= 0) cellAt[index.row[i] * columnCount + index.column[i]] = i;
  const folded = new Uint8Array(rowCount);
  index.rows.forEach((row, r) => (folded[r] = row.folded ? 1 : 0));

  // ---- Details, inflated a chunk at a time and kept.

  /** @type {Map<number, Promise<ChunkData>>} */
  const chunks = new Map();
  /** @param {number} c */
  function chunk(c) {
    let loaded = chunks.get(c);
    if (!loaded) {
      loaded = inflate(page.chunks[c] ?? '');
      chunks.set(c, loaded);
    }
    return loaded;
  }
  /** @param {number} i @returns {Promise<Detail>} */
  async function detailOf(i) {
    return { chunk: await chunk(Math.floor(i / page.chunkCells)), k: i % page.chunkCells };
  }
  /** @param {Detail} detail @param {DetailField} name */
  function text(detail, name) {
    const f = field[name];
    const ref = detail.chunk.refs[f][detail.k];
    return ref >= 0 ? detail.chunk.strings[f][ref] : undefined;
  }
  /** @param {Detail} detail */
  function titleOf(detail) {
    return index.titleFields
      .map((name) => text(detail, name))
      .filter(Boolean)
      .join('\n');
  }

  // ---- Filters.

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

  /**
   * Which cells a search finds: every text of their detail, compared case-insensitively. Each
   * distinct text of a chunk is compared once, however many cells show it.
   * @param {string} query
   */
  async function searchHits(query) {
    const needle = query.toLowerCase();
    const hits = new Uint8Array(n);
    // All at once: the browser inflates them in parallel.
    const every = await Promise.all(Array.from({ length: Math.ceil(n / page.chunkCells) }, (_, c) => chunk(c)));
    for (let c = 0; c < every.length; c++) {
      const data = every[c];
      let lower = lowered.get(c);
      if (!lower) lowered.set(c, (lower = data.strings.map((texts) => texts.map((text) => text.toLowerCase()))));
      lower.forEach((texts, f) => {
        const found = texts.map((text) => text.includes(needle));
        data.refs[f].forEach((ref, k) => {
          if (ref >= 0 && found[ref]) hits[c * page.chunkCells + k] = 1;
        });
      });
    }
    return hits;
  }

  /** Each chunk's texts in lower case, made by the first search that needs them. @type {Map<number, string[][]>} */
  const lowered = new Map();

  /** A filter value as the index of an axis value, outcome or verdict; -1 matches nothing. */
  const position = (/** @type {string[]} */ list, /** @type {string | undefined} */ value) => (value ? list.indexOf(value) : -2);

  // What the grid shows: rows and columns with something left in them, and which cells match.
  let hit = new Uint8Array(n).fill(1);
  /** @type {number[]} */
  let shownRows = [];
  /** @type {number[]} */
  let shownColumns = [];
  let generation = 0;

  /** @param {FilterState} state */
  async function apply(state) {
    const mine = ++generation;
    let textHits;
    // Marked while a filter is being applied, for whoever waits for it (the bench, tests).
    document.documentElement.dataset.filtering = 'busy';
    if (state.q) {
      one('.count', form).textContent = 'searching…';
      textHits = await searchHits(state.q);
      if (mine !== generation) return;
    }
    const outcome = position(index.outcomes.map((o) => o.name), state.outcome);
    const verdict = position(index.verdicts.map((v) => v.name), state.verdict);
    const axes = index.axes.map((name, a) => position(index.values[a], state[name]));
    const hits = new Uint8Array(n);
    const rowHits = new Uint8Array(rowCount);
    const columnHits = new Uint8Array(columnCount);
    let shown = 0;
    for (let i = 0; i < n; i++) {
      if (outcome !== -2 && index.outcome[i] !== outcome) continue;
      if (verdict !== -2 && index.verdict[i] !== verdict) continue;
      let ok = true;
      for (let a = 0; a < axes.length && ok; a++) ok = axes[a] === -2 || index.axis[a][i] === axes[a];
      if (!ok || (textHits && !textHits[i])) continue;
      hits[i] = 1;
      shown++;
      const r = index.row[i];
      if (r < 0) continue;
      rowHits[r] = 1;
      if (!folded[r]) columnHits[index.column[i]] = 1;
    }
    hit = hits;
    shownRows = [];
    for (let r = 0; r < rowCount; r++) if (rowHits[r]) shownRows.push(r);
    shownColumns = [];
    for (let c = 0; c < columnCount; c++) if (columnHits[c]) shownColumns.push(c);
    // Grouped headers span only the columns still shown.
    for (const th of /** @type {HTMLTableCellElement[]} */ (all('#grid-table thead th[data-cols]'))) {
      const span = (th.dataset.cols ?? '').split(' ').filter((id) => columnHits[Number(id.slice(1))]).length;
      th.classList.toggle('hidden', span === 0);
      th.colSpan = Math.max(1, span);
    }
    // The lists above the grid (failures, changes) show the same cells.
    for (const element of all('tr[data-cell]')) element.hidden = !hits[Number(element.dataset.cell)];
    one('.count', form).textContent = `${shown} of ${n} cells shown`;
    drawRows(true);
    delete document.documentElement.dataset.filtering;
  }

  function update() {
    const state = stateFromForm();
    writeHash(state);
    return apply(state);
  }

  // ---- The grid: only the rows in view are in the document.

  const table = /** @type {HTMLTableElement | null} */ (document.getElementById('grid-table'));
  const scroller = table?.closest('.scroll') ?? null;
  const tbody = table?.tBodies[0] ?? null;
  for (const [k, tr] of [...(table?.tHead?.rows ?? [])].entries()) tr.setAttribute('aria-rowindex', String(k + 1));
  const heights = new Float64Array(rowCount);
  const typical = { row: 49, folded: 31 };
  const heightOf = (/** @type {number} */ r) => heights[r] || (folded[r] ? typical.folded : typical.row);
  /** The rows drawn, as positions in shownRows: [first, last). */
  let drawn = { first: 0, last: 0 };

  /** A row's environment cells: distro, python and numpy, with the resolved version when it differs. */
  function environmentCells(/** @type {number} */ r) {
    const row = index.rows[r];
    const distro = el('th', 'distro e1', row.distro);
    distro.scope = 'row';
    /** @param {string} className @param {string[]} values */
    const versioned = (className, [requested, actual]) => {
      const th = el('th', className, requested);
      if (actual) th.append(el('small', '', actual));
      return th;
    };
    return [distro, versioned('e2', row.python), versioned('e3', row.numpy)];
  }

  /** @param {number} i @param {number} c */
  function gridCell(i, c) {
    const column = index.columns[c];
    const gs = column.startsGroup ? ' gs' : '';
    if (i < 0) {
      const none = el('td', `none${gs}`, '·');
      none.title = 'not in the matrix';
      none.dataset.col = column.id;
      return none;
    }
    const outcome = index.outcomes[index.outcome[i]];
    const regressed = index.changeKinds[index.change[i]] === 'regression';
    const td = el('td', `cell o-${outcome.name} v-${index.verdicts[index.verdict[i]].name}${regressed ? ' regressed' : ''}${gs}${hit[i] ? '' : ' filtered'}`);
    td.dataset.cell = String(i);
    td.dataset.row = `r${index.row[i]}`;
    td.dataset.col = column.id;
    const link = el('a');
    link.setAttribute('href', `#cell-${i}`);
    link.dataset.open = String(i);
    if (regressed) {
      const mark = el('span', 'reg', '▲');
      mark.title = 'regression since baseline';
      link.append(mark);
    }
    link.append(el('span', 'oc', outcome.words));
    if (index.why[i] >= 0) link.append(el('span', 'why', index.whys[index.why[i]]));
    td.append(link);
    return td;
  }

  /** @param {number} r */
  function gridRow(r) {
    const tr = el('tr');
    tr.dataset.row = `r${r}`;
    tr.title = index.rows[r].key;
    tr.append(...environmentCells(r));
    const fold = index.rows[r].folded;
    if (fold) {
      // Nothing ran: one line with the reason instead of a row of identical "skipped" cells.
      tr.className = 'folded';
      const td = el('td', 'fold');
      td.colSpan = Math.max(1, shownColumns.length);
      const line = el('span', 'foldtext');
      const link = el('a', '', 'skipped');
      link.setAttribute('href', `#cell-${fold.first}`);
      link.dataset.open = String(fold.first);
      line.append(link, ` · ${fold.cells} ${fold.cells === 1 ? 'cell' : 'cells'} · ${fold.reasons}`);
      td.append(line);
      tr.append(td);
    } else {
      for (const c of shownColumns) tr.append(gridCell(cellAt[r * columnCount + c], c));
    }
    return tr;
  }

  /** A row standing in for `height` pixels of rows that are not drawn. @param {number} height */
  function spacer(height) {
    const tr = el('tr', 'spacer');
    tr.setAttribute('aria-hidden', 'true');
    const td = el('td');
    td.colSpan = shownColumns.length + 3;
    td.style.height = `${height}px`;
    tr.append(td);
    return tr;
  }

  /** Draws the rows in view; `force` after a filter changed what they show. */
  function drawRows(force = false) {
    if (!table || !tbody || !scroller) return;
    const top = Math.max(0, scroller.scrollTop - (table.tHead?.offsetHeight ?? 0));
    // The box grows with its rows up to its max-height (less than the window): until it is full,
    // its own height says nothing of how many rows fit.
    const bottom = top + Math.max(scroller.clientHeight, window.innerHeight);
    let y = 0;
    let first = 0;
    while (first < shownRows.length && y + heightOf(shownRows[first]) <= top) y += heightOf(shownRows[first++]);
    let last = first;
    while (last < shownRows.length && y < bottom) y += heightOf(shownRows[last++]);
    // Scrolling within the rows drawn draws nothing.
    if (!force && first >= drawn.first && last <= drawn.last) return;
    first = Math.max(0, first - MARGIN_ROWS);
    last = Math.min(shownRows.length, last + MARGIN_ROWS);
    drawn = { first, last };
    let above = 0;
    for (let k = 0; k < first; k++) above += heightOf(shownRows[k]);
    let below = 0;
    for (let k = last; k < shownRows.length; k++) below += heightOf(shownRows[k]);
    // Assistive technology learns how many rows there are and where the drawn ones sit.
    const headerRows = table.tHead?.rows.length ?? 0;
    table.setAttribute('aria-rowcount', String(headerRows + shownRows.length));
    const rows = shownRows.slice(first, last).map((r, k) => {
      const tr = gridRow(r);
      tr.setAttribute('aria-rowindex', String(headerRows + first + k + 1));
      return tr;
    });
    tbody.replaceChildren(...(above > 0 ? [spacer(above)] : []), ...rows, ...(below > 0 ? [spacer(below)] : []));
    // Learn the real heights: rows not drawn yet are assumed to be like the ones measured.
    rows.forEach((tr, k) => {
      const r = shownRows[first + k];
      heights[r] = tr.getBoundingClientRect().height;
      if (folded[r]) typical.folded = heights[r];
      else typical.row = heights[r];
    });
  }

  let pending = false;
  function scheduleDraw() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      drawRows();
    });
  }
  scroller?.addEventListener('scroll', scheduleDraw, { passive: true });
  window.addEventListener('resize', scheduleDraw);

  // ---- A cell's detail, in the dialog.

  /** @param {string} label @param {string} body @param {boolean} open */
  function outputBlock(label, body, open) {
    if (!body) return el('p', 'out-empty', `${label} · empty`);
    const lines = body.split('\n').length - (body.endsWith('\n') ? 1 : 0);
    const details = el('details', 'out');
    details.open = open;
    details.append(el('summary', '', `${label} · ${lines} ${lines === 1 ? 'line' : 'lines'}`), el('pre', '', body));
    return details;
  }

  /** The same as html-writer.ts's renderDetail, from the data. @param {number} i @param {Detail} detail */
  function detailArticle(i, detail) {
    const outcome = index.outcomes[index.outcome[i]].name;
    const verdict = index.verdicts[index.verdict[i]];
    const get = (/** @type {DetailField} */ name) => text(detail, name);
    const article = el('article', `detail o-${outcome} v-${verdict.name}`);
    article.dataset.cell = String(i);
    const heading = el('h3');
    heading.append(el('span', `tag ${verdict.name}`, verdict.label), el('span', 'where', `${get('environment')} — ${get('cell')}`));
    const facts = el('dl', 'facts');
    /** @param {string} label @param {Node | string} value @param {string} [className] */
    const fact = (label, value, className) => {
      const dd = el('dd', className);
      dd.append(value);
      facts.append(el('dt', '', label), dd);
    };
    fact('Expected', get('expected') ?? '', 'expect');
    fact('Actual', el('span', `chip o-${outcome}`, get('actual')), verdict.name === 'fail' ? 'actual bad' : 'actual');
    const reason = get('reason');
    fact('Root cause', reason ? el('code', '', reason) : el('span', 'empty', 'none recorded'));
    const baseline = get('baseline');
    const kind = index.changeKinds[index.change[i]];
    if (baseline && kind) {
      const dd = document.createDocumentFragment();
      dd.append(`${baseline} → `, el('span', `tag ${kind}`, kind));
      fact('Baseline', dd);
    }
    fact('Run', get('run') ?? '');
    const command = get('command');
    if (command) fact('Command', el('code', '', command));
    const rerun = el('div', 'cmd');
    rerun.append(el('code', 'rerun', get('rerun')), Object.assign(el('button', '', 'Copy'), { type: 'button' }));
    fact('Rerun', rerun);
    fact('Cell id', el('code', '', get('id')));
    article.append(heading, facts);
    const decoded = get('decoded');
    const labels = index.outputLabels;
    if (decoded) article.append(outputBlock(labels.decoded, decoded, true));
    article.append(outputBlock(labels.stdout, get('stdout') ?? '', true), outputBlock(labels.stderr, get('stderr') ?? '', true));
    return article;
  }

  /** @param {number} i */
  async function openCell(i) {
    if (!(i >= 0 && i < n) || typeof dialog.showModal !== 'function') return;
    dialogBody.replaceChildren(detailArticle(i, await detailOf(i)));
    if (!dialog.open) dialog.showModal();
    dialog.scrollTop = 0;
  }

  /** A grid cell's tooltip (id, expected vs actual, reason, baseline) comes from its detail. @param {HTMLElement} link */
  async function addTitle(link) {
    if (link.title || !link.closest('td.cell')) return;
    link.title = titleOf(await detailOf(Number(link.dataset.open)));
  }

  /** @param {HTMLElement} button */
  function selectText(button) {
    const range = document.createRange();
    range.selectNodeContents(one('code', /** @type {HTMLElement} */ (button.parentNode)));
    const selection = getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
  }

  function restore() {
    const cell = /^#cell-(\d+)$/.exec(location.hash);
    if (cell) {
      void openCell(Number(cell[1]));
      return;
    }
    const state = location.hash.includes('=') ? stateFromHash() : {};
    showState(state);
    void apply(state);
  }

  form.hidden = false;
  // Whoever focuses the search box is about to search every detail: start inflating them.
  form.querySelector('input[data-filter="q"]')?.addEventListener(
    'focus',
    async () => {
      for (let c = 0; c * page.chunkCells < n; c++) await chunk(c);
    },
    { once: true },
  );
  // Typing a search waits for a pause: each search reads every detail.
  let typing = 0;
  form.addEventListener('input', (event) => {
    clearTimeout(typing);
    if (/** @type {HTMLElement} */ (event.target).dataset.filter === 'q') {
      document.documentElement.dataset.filtering = 'busy';
      typing = window.setTimeout(update, 150);
    } else void update();
  });
  form.addEventListener('change', update);
  form.addEventListener('submit', (event) => event.preventDefault());
  one('.reset', form).addEventListener('click', () => {
    showState({});
    void update();
  });
  window.addEventListener('hashchange', restore);
  document.addEventListener('click', (event) => {
    const target = /** @type {Element} */ (event.target);
    const link = /** @type {HTMLElement | null} */ (target.closest('a[data-open]'));
    if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey && typeof dialog.showModal === 'function') {
      event.preventDefault();
      void openCell(Number(link.dataset.open));
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
  for (const type of ['mouseover', 'focusin']) {
    table?.addEventListener(type, (event) => {
      const link = /** @type {Element} */ (event.target).closest('a[data-open]');
      if (link) void addTitle(/** @type {HTMLElement} */ (link));
    });
  }
  one('.close', dialog).addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    if (/^#cell-\d+$/.test(location.hash)) history.replaceState(null, '', location.pathname + location.search);
  });

  if (/^#cell-\d+$/.test(location.hash)) {
    await apply({});
    restore();
  } else restore();
}

// In the page only: importing this file (as html-writer.ts does) runs nothing.
if (typeof document !== 'undefined') void startReport();
