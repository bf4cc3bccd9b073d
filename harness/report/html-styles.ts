// The report's stylesheet, inlined: the file must render the same from disk, from a CI artifact
// viewer and offline, so it uses system fonts only and fetches nothing.
import type { Outcome } from '../results/run-results.ts';

/** Background and ink per outcome: distinct hues, all dark-on-light for contrast. */
export const OUTCOME_COLOURS: Record<Outcome, { background: string; ink: string }> = {
  loaded: { background: '#d3f3dc', ink: '#14532d' },
  'undefined-symbol': { background: '#ffe1c2', ink: '#8a3405' },
  'import-error': { background: '#fdf1a8', ink: '#6b4b05' },
  'dlopen-error': { background: '#d6e4ff', ink: '#1e3a8a' },
  'missing-library': { background: '#cffafe', ink: '#155e75' },
  'no-entry': { background: '#e0f2fe', ink: '#075985' },
  'no-import': { background: '#f3e8ff', ink: '#5b21b6' },
  crash: { background: '#fbcfe8', ink: '#831843' },
  timeout: { background: '#e2e3f3', ink: '#3730a3' },
  'build-error': { background: '#ead9c8', ink: '#5c3512' },
  'engine-error': { background: '#fecaca', ink: '#7f1d1d' },
  'harness-error': { background: '#fde2e2', ink: '#991b1b' },
  skipped: { background: '#eef0f2', ink: '#5b6470' },
};

const outcomeRules = Object.entries(OUTCOME_COLOURS)
  .map(([outcome, { background, ink }]) => `.o-${outcome}{--bg:${background};--ink:${ink}}`)
  .join('\n');

export const HTML_STYLES = `
:root{--fail:#d4202c;--flaky:#c77700;--pass:#1f7a3d;--muted:#5f6b7a;--line:#dde2e8;--panel:#fff;--page:#f4f6f9;--text:#18202b;
--mono:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono",monospace}
*{box-sizing:border-box}
html{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","Liberation Sans",sans-serif;color:var(--text);background:var(--page)}
body{margin:0}
a{color:#1d4ed8}
code,pre,.mono{font-family:var(--mono);font-size:12.5px}
h2{font-size:16px;margin:0 0 12px;display:flex;align-items:baseline;gap:10px}
h2 .sub{font-size:13px;font-weight:400;color:var(--muted)}
.top{background:#121a26;color:#e8edf3;padding:18px 28px 16px}
.top .row{display:flex;align-items:center;gap:14px;flex-wrap:wrap}
.brand{font-weight:700;letter-spacing:.02em;color:#9fb3c8;font-size:13px;text-transform:uppercase}
.top h1{font-size:20px;margin:0;font-weight:600;font-family:var(--mono)}
.status{border-radius:999px;padding:3px 12px;font-weight:600;font-size:13px}
.status.fail{background:var(--fail);color:#fff}
.status.pass{background:#2f9e58;color:#fff}
.status.warn{background:#e3a008;color:#1b1300}
.meta{display:flex;flex-wrap:wrap;gap:6px 22px;margin:10px 0 0;color:#b8c4d2;font-size:12.5px}
.meta dt{display:inline;color:#7f90a4;margin-right:5px}
.meta dd{display:inline;margin:0}
main{max-width:1480px;margin:0 auto;padding:18px 28px 60px}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:0 0 18px;box-shadow:0 1px 2px rgba(16,24,40,.04)}
.banner{border-radius:10px;padding:12px 16px;margin:0 0 18px;font-weight:600}
.banner.interrupted{background:#fff4d6;border:1px solid #f1c75b;color:#6b4700}
.banner.ok{background:#e6f6ec;border:1px solid #a8dcb9;color:#14532d}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(120px,1fr));gap:12px;margin:0 0 18px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:10px 14px}
.card .n{font-size:24px;font-weight:700;line-height:1.2}
.card .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card.fail{border-color:#f2b8bc;background:#fff5f5}.card.fail .n{color:var(--fail)}
.card.pass .n{color:var(--pass)}
.card.flaky .n{color:var(--flaky)}
.card.regression{border-color:#f2b8bc}.card.regression .n{color:var(--fail)}
.card.zero .n{color:#9aa5b1}
.card.fail.zero{border-color:var(--line);background:var(--panel)}
table{border-collapse:collapse}
.list{width:100%}
.list th,.list td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
.list th{font-size:12px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.03em;background:#f8fafc}
.list tr:last-child td{border-bottom:0}
.list .nowrap{white-space:nowrap}
.list .cellref{font-weight:600;font-family:var(--mono);font-size:12.5px}
.list .env{color:var(--muted);font-size:12.5px}
.list td.cause{font-family:var(--mono);font-size:12px;overflow-wrap:anywhere;color:#3b4654}
.problems{border-color:#f2b8bc}
.problems h2{color:var(--fail)}
.chip{display:inline-block;border-radius:5px;padding:1px 7px;font-size:12px;font-weight:600;background:var(--bg);color:var(--ink);white-space:nowrap}
.tag{display:inline-block;border-radius:5px;padding:1px 7px;font-size:11.5px;font-weight:700;text-transform:uppercase;letter-spacing:.03em}
.tag.fail,.tag.regression{background:var(--fail);color:#fff}
.tag.flaky{background:#fbe3b5;color:#6b3d00}
.tag.fix{background:#d3f3dc;color:#14532d}
.tag.pass{background:#e6f6ec;color:#14532d}
.tag.skip,.tag.removed{background:#eef0f2;color:#4b5563}
.tag.changed,.tag.new{background:#e0e7ff;color:#3730a3}
.legend{display:flex;flex-wrap:wrap;gap:8px 16px;margin:0 0 12px;font-size:12.5px;color:#3b4654;align-items:center}
.legend .sw{display:inline-block;width:14px;height:14px;border-radius:3px;background:var(--bg);vertical-align:-2px;margin-right:5px;border:1px solid rgba(0,0,0,.08)}
.legend .mk{display:inline-flex;align-items:center;justify-content:center;width:18px;height:16px;border-radius:3px;margin-right:5px;font-weight:700}
.legend .mk.fail{border:2.5px solid var(--fail);color:var(--fail)}
.legend .mk.flaky{border:2.5px dashed var(--flaky);color:var(--flaky)}
.legend .mk.reg{color:var(--fail)}
.filters{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:end;margin:0 0 14px;padding:10px 12px;background:#f8fafc;border:1px solid var(--line);border-radius:8px}
.filters[hidden]{display:none}
.filters label{display:flex;flex-direction:column;font-size:11px;color:var(--muted);text-transform:uppercase;letter-spacing:.03em;gap:3px}
.filters select,.filters input{font:inherit;font-size:13px;padding:4px 6px;border:1px solid #c5ccd6;border-radius:6px;background:#fff;color:var(--text);min-width:110px}
.filters button{font:inherit;font-size:13px;padding:4px 12px;border-radius:6px;border:1px solid #c5ccd6;background:#fff;cursor:pointer}
.filters .count{color:var(--muted);font-size:12.5px;align-self:center}
.filters input[type=search]{min-width:200px}
.scroll{overflow-x:auto}
.environments{padding:0}
.environments>summary{list-style:none;cursor:pointer;padding:12px 18px;border-radius:10px}
.environments>summary::-webkit-details-marker{display:none}
.environments>summary:hover{background:#f8fafc}
.environments>summary:focus-visible{outline:2px solid #1d4ed8;outline-offset:-2px}
.environments>summary h2{margin:0;flex-wrap:wrap;row-gap:2px}
.environments>summary h2::before{content:"\\25B8";color:var(--muted);font-size:13px;width:10px;display:inline-block}
.environments[open]>summary h2::before{content:"\\25BE"}
.environments>summary .sub .bad{color:var(--fail);font-weight:600}
.environments[open]>summary{border-bottom:1px solid var(--line);border-radius:10px 10px 0 0}
.environments>.scroll{padding:4px 18px 10px}
.gridbox{position:relative;timeline-scope:--gridx}
.gridbox>.scroll{scroll-timeline:--gridx x;max-height:85vh;overflow:auto;overscroll-behavior-x:contain;overflow-anchor:none}
.gridbox::after{content:"";position:absolute;top:0;right:0;bottom:0;width:30px;pointer-events:none;opacity:0;
background:linear-gradient(to right,rgba(16,24,40,0),rgba(16,24,40,.16));animation:gridmore linear both;animation-timeline:--gridx}
@keyframes gridmore{from{opacity:1}96%{opacity:1}to{opacity:0}}
.grid{border-collapse:separate;border-spacing:0;--e1:100px;--e2:108px;--e3:116px}
.grid th,.grid td{border:0;border-right:1px solid #fff;border-bottom:1px solid #fff}
.grid thead{position:sticky;top:0;z-index:3}
.grid .e1,.grid .e2,.grid .e3{position:sticky;z-index:1;white-space:normal;overflow-wrap:break-word}
.grid thead .e1,.grid thead .e2,.grid thead .e3{z-index:2}
.grid .e1{left:0;width:var(--e1);min-width:var(--e1);max-width:var(--e1)}
.grid .e2{left:var(--e1);width:var(--e2);min-width:var(--e2);max-width:var(--e2)}
.grid .e3{left:calc(var(--e1) + var(--e2));width:var(--e3);min-width:var(--e3);max-width:var(--e3);border-right:2px solid #c9d2dc}
.grid thead th{background:#e9edf2;color:#2b3644;font-size:12px;font-weight:600;padding:5px 8px;text-align:center}
.grid thead th.h0{font-size:13px;background:#dde3ea}
.grid thead th.h1{font-family:var(--mono);font-size:11px;font-weight:500;max-width:150px;overflow-wrap:anywhere;line-height:1.3}
.grid thead th.h2{font-size:11.5px;font-weight:600;color:#3730a3;background:#eef0fb;padding:3px 6px}
.grid thead th.envh{text-align:left;vertical-align:bottom}
.grid thead th.h0>span,.grid thead th.h1>span{position:sticky;left:calc(var(--e1) + var(--e2) + var(--e3) + 8px)}
.grid .gs{border-left:2px solid #b9c3cf}
.grid tbody th{background:#f1f4f7;text-align:left;font-weight:500;padding:4px 10px;white-space:nowrap;font-size:12.5px}
.grid tbody th small{color:var(--muted);font-weight:400;margin-left:3px;white-space:nowrap}
.grid tbody th.distro{font-weight:600}
.grid td.cell{padding:0;position:relative;background:var(--bg);color:var(--ink);min-width:116px;height:48px}
.grid td.cell a{display:flex;flex-direction:column;justify-content:center;align-items:center;gap:1px;height:100%;min-height:48px;padding:4px 10px;color:inherit;text-decoration:none;text-align:center}
.grid td.cell a:hover,.grid td.cell a:focus-visible{outline:2px solid #1d4ed8;outline-offset:-2px}
.grid td.cell .oc{font-weight:600;font-size:12px;white-space:nowrap}
.grid td.cell .why{font-family:var(--mono);font-size:11px;opacity:.9;max-width:150px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.grid td.cell.v-fail{box-shadow:inset 0 0 0 3px var(--fail)}
.grid td.cell.v-fail .oc::before{content:"\\2717\\00a0";color:var(--fail);font-weight:800}
.grid td.cell.v-flaky{box-shadow:inset 0 0 0 3px var(--flaky)}
.grid td.cell.v-flaky a{border:2px dashed #fff6e5}
.grid td.cell.v-flaky .oc::after{content:"\\00a0~ flaky";color:var(--flaky);font-weight:700}
.grid td.cell.v-skip{background-image:repeating-linear-gradient(135deg,transparent 0 6px,rgba(0,0,0,.035) 6px 12px)}
.grid td.cell .reg{position:absolute;top:3px;right:5px;color:var(--fail);font-size:10px;font-weight:800;line-height:1}
.grid td.none{background:#fafbfc;color:#c0c7d0;text-align:center;min-width:116px}
.grid tr.folded th{color:var(--muted);background:#f6f7f9}
.grid td.fold{height:30px;padding:0 12px;font-size:12.5px;color:#5b6470;white-space:nowrap;
background:#f3f4f6 repeating-linear-gradient(135deg,transparent 0 6px,rgba(0,0,0,.03) 6px 12px)}
.grid td.fold .foldtext{position:sticky;left:calc(var(--e1) + var(--e2) + var(--e3) + 12px)}
.grid td.fold a{color:inherit;font-weight:600}
.grid.wide{--e1:98px;--e2:88px;--e3:100px}
.grid.wide tbody th{padding:4px 7px;font-size:12px;white-space:normal}
.grid.wide tbody th.distro{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.grid.wide thead th{padding:4px 5px}
.grid.wide thead th.h1{max-width:92px;font-size:10.5px}
.grid.wide td.cell,.grid.wide td.none{min-width:84px;height:42px}
.grid.wide td.cell a{min-height:42px;padding:3px 5px}
.grid.wide td.cell .oc{white-space:normal;font-size:11px;line-height:1.15}
.grid.wide td.cell .why{max-width:76px;font-size:10px}
.grid td.cell.filtered{visibility:hidden}
.grid tr.spacer td{padding:0;border:0;background:none}
.grid tr.placeholder td{padding:14px;color:var(--muted);text-align:left}
.list tr.more td{color:var(--muted);font-style:italic}
.grid .hidden{display:none}
.findings{border-color:#c7d2fe;background:linear-gradient(180deg,#f5f7ff,#fff 70%)}
.findings h2{color:#27307a}
.findings ul{margin:0;padding:0;list-style:none;display:grid;gap:9px}
.findings li{display:flex;gap:12px;align-items:baseline;line-height:1.5;overflow-wrap:anywhere}
.findings .subject{flex:none;width:126px;white-space:nowrap;text-align:center;border-radius:5px;padding:1px 7px;font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.03em;background:#e0e7ff;color:#3730a3}
.findings li.inexact .subject{background:#fdf1a8;color:#6b4b05}
.findings b{font-weight:650}
.findings a.cellref{font-family:var(--mono);font-size:12px}
.envs td,.envs th{white-space:nowrap}
.envs td.wrap{white-space:normal;max-width:420px}
.envs .bad{color:var(--fail);font-weight:600}
.envs .skip{color:var(--muted)}
.envs tr.broken td{background:#fff5f5}
.detail{border:1px solid var(--line);border-left:5px solid var(--ink);border-radius:8px;padding:12px 16px;margin:0 0 12px;background:#fff;scroll-margin-top:12px}
.detail.v-fail{border-left-color:var(--fail)}
.detail:target{box-shadow:0 0 0 3px #93c5fd}
.detail h3{margin:0 0 8px;font-size:14px;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.detail h3 .where{font-weight:600}
.detail h3 .where small{font-weight:400;color:var(--muted)}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0 0 8px}
.facts dt{color:var(--muted);font-size:12.5px}
.facts dd{margin:0;overflow-wrap:anywhere}
.facts dd.expect{font-weight:600}
.facts dd.actual.bad::before{content:"\\2717\\00a0";color:var(--fail);font-weight:800}
.cmd{display:flex;gap:8px;align-items:flex-start}
.cmd code{background:#0f172a;color:#e2e8f0;border-radius:6px;padding:5px 9px;display:block;overflow-wrap:anywhere;flex:1}
.cmd button{font:inherit;font-size:12px;padding:4px 10px;border-radius:6px;border:1px solid #c5ccd6;background:#fff;cursor:pointer}
.cmd button[hidden]{display:none}
details.out{margin:6px 0 0}
.out-empty{margin:6px 0 0;color:var(--muted);font-size:12.5px}
details.out summary{cursor:pointer;color:#334155;font-size:12.5px;font-weight:600}
details.out pre{margin:6px 0 0;background:#0f172a;color:#dbe3ec;padding:10px 12px;border-radius:6px;max-height:420px;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}
.empty{color:var(--muted);font-style:italic}
dialog#cell-dialog{border:0;border-radius:12px;padding:0;width:min(1100px,94vw);max-height:90vh;box-shadow:0 24px 60px rgba(15,23,42,.35)}
dialog#cell-dialog::backdrop{background:rgba(15,23,42,.45)}
dialog#cell-dialog .bar{display:flex;justify-content:flex-end;padding:8px 10px 0;position:sticky;top:0;background:#fff}
dialog#cell-dialog .bar button{font:inherit;border:1px solid #c5ccd6;background:#fff;border-radius:6px;padding:3px 10px;cursor:pointer}
dialog#cell-dialog .body{padding:0 16px 14px}
dialog#cell-dialog .detail{border-top:0;border-right:0;border-bottom:0;margin:0}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:24px}
${outcomeRules}
`;
