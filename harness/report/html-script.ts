// The report's only script. The page is complete without it (server-rendered grid, anchors to
// detail sections); the script adds filters kept in the URL hash, a detail dialog and copy
// buttons. It reads data only from the JSON island and the DOM, and writes text only through
// textContent or clones of already-escaped nodes: captured output can never become markup.
// Plain ES2017 in a string (no backticks or template holes) so it is embedded verbatim.

export const HTML_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('dlmatrix-data').textContent);
  var form = document.getElementById('filters');
  var dialog = document.getElementById('cell-dialog');
  var dialogBody = dialog.querySelector('.body');
  var keys = ['outcome', 'verdict'].concat(data.axes, ['q']);
  var gridCells = {};
  document.querySelectorAll('td.cell[data-cell]').forEach(function (td) { gridCells[td.getAttribute('data-cell')] = td; });
  var haystacks = {};
  // Everything else that shows one cell: its detail section and its rows in the lists above.
  var listed = {};
  document.querySelectorAll('article.detail[data-cell], tr[data-cell]').forEach(function (el) {
    var i = el.getAttribute('data-cell');
    (listed[i] = listed[i] || []).push(el);
  });

  function haystack(cell) {
    // Search covers the whole detail section (reason, output) as the reader sees it.
    if (!(cell.i in haystacks)) {
      var article = document.getElementById('cell-' + cell.i);
      haystacks[cell.i] = ((article ? article.textContent : '') + ' ' + cell.id).toLowerCase();
    }
    return haystacks[cell.i];
  }

  function matches(cell, state) {
    if (state.outcome && cell.outcome !== state.outcome) return false;
    if (state.verdict && cell.verdict !== state.verdict) return false;
    for (var a = 0; a < data.axes.length; a++) {
      var axis = data.axes[a];
      if (state[axis] && cell.axes[axis] !== state[axis]) return false;
    }
    return !state.q || haystack(cell).indexOf(state.q.toLowerCase()) !== -1;
  }

  function stateFromHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    var state = {};
    keys.forEach(function (key) { if (params.get(key)) state[key] = params.get(key); });
    return state;
  }

  function stateFromForm() {
    var state = {};
    form.querySelectorAll('[data-filter]').forEach(function (control) {
      if (control.value) state[control.getAttribute('data-filter')] = control.value;
    });
    return state;
  }

  function showState(state) {
    form.querySelectorAll('[data-filter]').forEach(function (control) {
      var value = state[control.getAttribute('data-filter')] || '';
      if (control.tagName === 'SELECT' && value && !Array.prototype.some.call(control.options, function (o) { return o.value === value; })) {
        // A shared link may name a value this run lacks: keep it selectable rather than drop it.
        var option = document.createElement('option');
        option.value = value;
        option.textContent = value;
        control.appendChild(option);
      }
      control.value = value;
    });
  }

  function writeHash(state) {
    var params = new URLSearchParams();
    keys.forEach(function (key) { if (state[key]) params.set(key, state[key]); });
    var text = params.toString();
    history.replaceState(null, '', text ? '#' + text : location.pathname + location.search);
  }

  function apply(state) {
    var shown = 0;
    var rowHits = {};
    var colHits = {};
    data.cells.forEach(function (cell) {
      var hit = matches(cell, state);
      if (hit) shown++;
      var td = gridCells[cell.i];
      if (td) {
        td.classList.toggle('filtered', !hit);
        if (hit) { rowHits[td.getAttribute('data-row')] = true; colHits[td.getAttribute('data-col')] = true; }
      }
      (listed[cell.i] || []).forEach(function (el) { el.hidden = !hit; });
    });
    // Rows and columns with nothing left are removed so the filtered grid stays compact.
    document.querySelectorAll('.grid tbody tr').forEach(function (tr) {
      tr.classList.toggle('hidden', !rowHits[tr.getAttribute('data-row')]);
    });
    document.querySelectorAll('.grid [data-col]').forEach(function (el) {
      el.classList.toggle('hidden', !colHits[el.getAttribute('data-col')]);
    });
    document.querySelectorAll('.grid th.loader').forEach(function (th) {
      var span = th.getAttribute('data-cols').split(' ').filter(function (col) { return colHits[col]; }).length;
      th.classList.toggle('hidden', span === 0);
      th.colSpan = Math.max(1, span);
    });
    form.querySelector('.count').textContent = shown + ' of ' + data.cells.length + ' cells shown';
  }

  function update() {
    var state = stateFromForm();
    apply(state);
    writeHash(state);
  }

  function restore() {
    // A plain #cell-N anchor is not a filter: show everything and let the browser scroll to it.
    var state = location.hash.indexOf('=') === -1 ? {} : stateFromHash();
    showState(state);
    apply(state);
  }

  function openCell(index) {
    var article = document.getElementById('cell-' + index);
    if (!article || typeof dialog.showModal !== 'function') return false;
    var copy = article.cloneNode(true);
    copy.removeAttribute('id');
    copy.hidden = false;
    copy.querySelectorAll('details.out').forEach(function (d) { d.open = true; });
    dialogBody.replaceChildren(copy);
    if (!dialog.open) dialog.showModal();
    dialog.scrollTop = 0;
    return true;
  }

  form.hidden = false;
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  form.querySelector('.reset').addEventListener('click', function () { showState({}); update(); });
  window.addEventListener('hashchange', restore);
  document.querySelectorAll('.cmd button[hidden]').forEach(function (button) { button.hidden = false; });

  document.addEventListener('click', function (event) {
    var link = event.target.closest('a[data-open]');
    if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey && openCell(link.getAttribute('data-open'))) {
      event.preventDefault();
      return;
    }
    var button = event.target.closest('.cmd button');
    if (button) {
      var text = button.parentNode.querySelector('code').textContent;
      var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { selectText(button); });
      } else {
        selectText(button);
      }
    }
  });
  function selectText(button) {
    var range = document.createRange();
    range.selectNodeContents(button.parentNode.querySelector('code'));
    var selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  dialog.querySelector('.close').addEventListener('click', function () { dialog.close(); });
  dialog.addEventListener('click', function (event) { if (event.target === dialog) dialog.close(); });

  restore();
})();
`;
