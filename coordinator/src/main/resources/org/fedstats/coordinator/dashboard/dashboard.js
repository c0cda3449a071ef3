// The coordinator's health dashboard: polls /dashboard/api every POLL_MS and redraws. Every value from the server
// goes into the page as text (textContent, attributes), never as markup.
'use strict';
(function () {
  const POLL_MS = 1500;
  const TOKEN_KEY = 'fedstats.dashboard.token';
  const SVG = 'http://www.w3.org/2000/svg';
  const view = document.getElementById('view');
  const conn = document.getElementById('conn');
  let timer = null;
  let generation = 0;

  // ---- small DOM helpers -------------------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === 'text') e.textContent = String(v);
      else if (k === 'class') e.className = v;
      else e.setAttribute(k, String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  }
  function pad(n) { return String(n).padStart(2, '0'); }
  function clock(ms) {
    if (!ms) return '—';
    const d = new Date(ms);
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  function ago(ms, now) {
    if (!ms) return '';
    const s = Math.max(0, Math.round((now - ms) / 1000));
    if (s < 60) return s + ' s';
    const m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + pad(s % 60) + ' s';
    const h = Math.floor(m / 60);
    return h + ' h ' + pad(m % 60) + ' min';
  }
  function millis(v) {
    if (v === null || v === undefined) return '—';
    return v < 10 ? v.toFixed(1) + ' ms' : Math.round(v) + ' ms';
  }
  function bytes(v) {
    if (v === undefined || v === null || v < 0) return '—';
    return (v / (1024 * 1024)).toFixed(0) + ' MiB';
  }
  function short(hash, n) { return hash ? hash.slice(0, n || 10) : '—'; }
  function sum(a) { return (a || []).reduce((x, y) => x + y, 0); }

  // A sparkline of one or more series (drawn on one scale), as inline SVG.
  function sparkline(series, width, height, label) {
    const s = svg('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img',
      'aria-label': label, class: 'spark', preserveAspectRatio: 'none' });
    const max = Math.max(1, ...series.flatMap(x => x.values));
    s.append(svg('line', { x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5, stroke: '#dde3ea' }));
    for (const { values, color } of series) {
      if (!values.length) continue;
      const step = values.length > 1 ? width / (values.length - 1) : width;
      const pts = values.map((v, i) => (i * step).toFixed(1) + ',' + (height - 2 - (v / max) * (height - 4)).toFixed(1));
      s.append(svg('polyline', { points: pts.join(' '), fill: 'none', stroke: color, 'stroke-width': 1.6,
        'stroke-linejoin': 'round', 'vector-effect': 'non-scaling-stroke' }));
    }
    const t = svg('title');
    t.textContent = label;
    s.prepend(t);
    return s;
  }
  const COLORS = { req: '#2f6fdb', ref: '#d18a00', err: '#c8372d' };
  function activityChart(series, width, height, bucketSeconds) {
    const minutes = Math.round(series.requests.length * bucketSeconds / 60);
    return el('div', { class: 'chart' },
      // Requests last, on top: where all three are zero, the base line is theirs.
      sparkline([{ values: series.errors, color: COLORS.err }, { values: series.refusals, color: COLORS.ref },
        { values: series.requests, color: COLORS.req }], width, height,
        'requests, refusals and errors per ' + bucketSeconds + ' s over the last ' + minutes + ' min'),
      el('div', { class: 'legend' },
        el('span', { class: 'req' }, el('i'), 'requests ' + sum(series.requests)),
        el('span', { class: 'ref' }, el('i'), 'refusals ' + sum(series.refusals)),
        el('span', { class: 'err' }, el('i'), 'errors ' + sum(series.errors)),
        el('span', { text: 'last ' + minutes + ' min' })));
  }

  // ---- data --------------------------------------------------------------------------------------------------
  function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
  async function load(path) {
    const headers = { 'Accept': 'application/json' };
    if (token()) headers['Authorization'] = 'Bearer ' + token();
    const r = await fetch(path, { headers, cache: 'no-store', credentials: 'same-origin' });
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (!r.ok) {
      const message = body && body.error ? body.error.message : 'HTTP ' + r.status;
      const err = new Error(message);
      err.status = r.status;
      throw err;
    }
    return body;
  }

  // ---- views -------------------------------------------------------------------------------------------------
  function badge(state) { return el('span', { class: 'badge', 'data-state': state, 'data-testid': 'badge', text: state }); }

  function nodeCard(n, now, bucketSeconds, withLink) {
    const name = withLink ? el('a', { class: 'name', href: '#/nodes/' + encodeURIComponent(n.id), text: n.id })
      : el('span', { class: 'name', text: n.id });
    const card = el('article', { class: 'node', 'data-node': n.id, 'data-state': n.state },
      el('div', { class: 'node-head' }, name, badge(n.state),
        el('span', { class: 'since', 'data-testid': 'since', title: new Date(n.since).toString(),
          text: (n.state === 'UP' ? 'up' : n.state === 'DOWN' ? 'down' : 'unknown') + ' since ' + clock(n.since)
            + ' (' + ago(n.since, now) + ')' })));
    const kv = el('dl', { class: 'kv' });
    const add = (k, v, cls) => kv.append(el('dt', { text: k }), el('dd', { class: cls, text: v }));
    add('version', n.version || '—');
    add('link', (n.link || '—') + (n.address ? ' · ' + n.address : ''), 'mono');
    add('health checks', 'p50 ' + millis(n.checks.p50) + ' · p99 ' + millis(n.checks.p99)
      + ' (' + n.checks.samples + ')');
    add('research calls', 'p50 ' + millis(n.calls.p50) + ' · p99 ' + millis(n.calls.p99)
      + ' (' + n.calls.samples + ')');
    add('last minute', 'requests ' + n.lastMinute.requests + ' · refusals ' + n.lastMinute.refusals + ' · errors '
      + n.lastMinute.errors);
    add('last seen', n.lastSeen ? clock(n.lastSeen) + ' (' + ago(n.lastSeen, now) + ' ago)' : 'never');
    card.append(kv, activityChart(n.series, 320, 40, bucketSeconds));
    const ds = el('table', { class: 'datasets' },
      el('thead', {}, el('tr', {}, el('th', { text: 'dataset' }), el('th', { text: 'data version' }),
        el('th', { text: 'policy hash' }))));
    const body = el('tbody');
    for (const d of n.datasets) {
      body.append(el('tr', {}, el('td', { text: d.name }),
        el('td', { class: 'mono', title: d.dataVersion, text: short(d.dataVersion) }),
        el('td', { class: 'mono', title: d.policyHash, text: short(d.policyHash) })));
    }
    if (!n.datasets.length) body.append(el('tr', {}, el('td', { colspan: 3, text: 'none reported yet' })));
    ds.append(body);
    card.append(ds);
    for (const d of n.drift) card.append(el('div', { class: 'drift', text: '⚠ policy drift: ' + d }));
    card.append(n.lastError
      ? el('div', { class: 'error', 'data-testid': 'last-error',
        text: 'last error' + (n.lastErrorAt ? ' at ' + clock(n.lastErrorAt) : '') + ': ' + n.lastError })
      : el('div', { class: 'ok-none', text: 'no error' }));
    return card;
  }

  function requestsTable(requests, now) {
    if (!requests.length) return el('div', { class: 'panel' }, el('div', { class: 'empty', text: 'No research requests yet.' }));
    const head = el('tr', {}, ...['time', 'researcher', 'project', 'dataset', 'analysis', 'outcome', 'sites',
      'duration', 'request id'].map(h => el('th', { text: h })));
    const body = el('tbody');
    for (const r of requests) {
      const sites = el('td', { class: 'sites' });
      for (const s of r.sites) {
        const detail = s.status === 'REFUSED' ? ' · ' + s.rule : s.status === 'FAILED' ? ' · ' + s.errorCode
          : s.latencyMs !== null ? ' · ' + millis(s.latencyMs) : '';
        sites.append(el('span', { class: 'chip', 'data-status': s.status, text: s.node + ' ' + s.status + detail }));
      }
      if (!r.sites.length) sites.append(el('span', { class: 'mono', text: r.code }));
      body.append(el('tr', { 'data-request-id': r.requestId, 'data-researcher': r.researcher,
        'data-outcome': r.outcome, 'data-analysis': r.analysis },
        el('td', { title: ago(r.at, now) + ' ago', text: clock(r.at) }),
        el('td', { text: r.researcher }),
        el('td', { text: r.project || '—' }),
        el('td', { text: r.dataset || '—' }),
        el('td', { text: (r.analysis || '—') + (r.operation === 'fetch' ? ' (fetch)' : '')
          + (r.rounds > 1 ? ' · ' + r.rounds + ' rounds' : '') }),
        el('td', {}, el('span', { class: 'outcome', 'data-outcome': r.outcome, title: r.code,
          text: r.outcome })),
        sites,
        el('td', { text: millis(r.durationMs) }),
        el('td', { class: 'mono', title: r.requestId, text: short(r.requestId, 8) })));
    }
    return el('div', { class: 'panel' }, el('table', { class: 'list', 'data-testid': 'requests' },
      el('thead', {}, head), body));
  }

  function refusalsTable(refusals) {
    if (!refusals.length) return el('div', { class: 'panel' }, el('div', { class: 'empty', text: 'No refusals.' }));
    const body = el('tbody');
    for (const r of refusals) {
      body.append(el('tr', { 'data-rule': r.rule }, el('td', { text: r.rule }), el('td', { text: r.count }),
        el('td', { text: Object.entries(r.nodes).map(([n, c]) => n + ' ' + c).join(', ') })));
    }
    return el('div', { class: 'panel' }, el('table', { class: 'list', 'data-testid': 'refusals' },
      el('thead', {}, el('tr', {}, el('th', { text: 'rule' }), el('th', { text: 'refusals' }),
        el('th', { text: 'by node' }))), body));
  }

  function stat(label, value, hint, chart) {
    return el('div', { class: 'stat' }, el('div', { class: 'label', text: label }),
      el('div', { class: 'value', text: value }), hint ? el('div', { class: 'hint', text: hint }) : null, chart);
  }

  function overview(s) {
    const c = s.coordinator;
    const up = s.nodes.filter(n => n.state === 'UP').length;
    const loadHistory = c.loadHistory || { inFlight: [], cpu: [], heapUsedBytes: [] };
    const summary = el('div', { class: 'summary' },
      stat('nodes up', up + ' / ' + s.nodes.length, s.nodes.filter(n => n.state === 'DOWN').map(n => n.id + ' down')
        .join(', ') || 'all reachable'),
      stat('research requests', String(c.requestsTotal), c.rejectedTotal + ' rejected · since ' + clock(s.startedAt),
        sparkline([{ values: c.series.errors, color: COLORS.err }, { values: c.series.requests, color: COLORS.req }],
          150, 28, 'requests and errors, last 10 min')),
      stat('site refusals', String(sum(c.series.refusals)), 'last 10 min',
        sparkline([{ values: c.series.refusals, color: COLORS.ref }], 150, 28, 'refusals, last 10 min')),
      stat('in flight', c.inFlight === undefined ? '—' : String(c.inFlight), 'requests being fanned out',
        sparkline([{ values: loadHistory.inFlight, color: COLORS.req }], 150, 28, 'requests in flight')),
      stat('CPU', c.cpu === undefined || c.cpu === null ? '—' : Math.round(c.cpu * 100) + ' %', 'coordinator process',
        sparkline([{ values: loadHistory.cpu.map(v => v * 100), color: '#5b6b7c' }], 150, 28, 'CPU')),
      stat('heap', bytes(c.heapUsedBytes), 'of ' + bytes(c.heapMaxBytes) + ' · ' + (c.threads || '—') + ' threads',
        sparkline([{ values: loadHistory.heapUsedBytes, color: '#5b6b7c' }], 150, 28, 'heap in use')));
    const nodes = el('div', { class: 'nodes', 'data-testid': 'nodes' },
      ...s.nodes.map(n => nodeCard(n, s.now, s.bucketSeconds, true)));
    return [el('h2', { text: 'Federation' }), summary,
      el('h2', { text: 'Nodes' }), nodes,
      el('div', { class: 'two spaced' },
        el('section', {}, el('h2', { text: 'Recent research requests' }), requestsTable(s.requests, s.now)),
        el('section', {}, el('h2', { text: 'Disclosure refusals by rule' }), refusalsTable(s.refusals)))];
  }

  function nodePage(p) {
    const t = el('tbody');
    for (const tr of p.transitions) {
      t.append(el('tr', {}, el('td', { text: clock(tr.at) + ' (' + ago(tr.at, p.now) + ' ago)' }),
        el('td', {}, badge(tr.state)), el('td', { text: tr.reason || '' })));
    }
    const transitions = p.transitions.length
      ? el('div', { class: 'panel' }, el('table', { class: 'list', 'data-testid': 'transitions' },
        el('thead', {}, el('tr', {}, el('th', { text: 'at' }), el('th', { text: 'state' }),
          el('th', { text: 'reason' }))), t))
      : el('div', { class: 'panel' }, el('div', { class: 'empty', text: 'No transitions yet.' }));
    const n = p.node;
    const totals = el('div', { class: 'summary' },
      stat('requests', String(n.totals.requests), 'since ' + clock(p.startedAt)),
      stat('refusals', String(n.totals.refusals), 'since ' + clock(p.startedAt)),
      stat('errors', String(n.totals.errors), 'since ' + clock(p.startedAt)),
      stat('health checks', String(n.totals.checksUp + n.totals.checksDown), n.totals.checksDown + ' failed'));
    return [el('a', { class: 'back', href: '#/', text: '← all nodes' }),
      el('h2', { text: 'Node ' + n.id }),
      el('div', { class: 'two' }, nodeCard(n, p.now, p.bucketSeconds, false),
        el('section', {}, totals, el('h2', { text: 'Up and down' }), transitions)),
      el('h2', { text: 'Requests at this node' }), requestsTable(p.requests, p.now),
      el('h2', { text: 'Refusals at this node' }), refusalsTable(p.refusals)];
  }

  // ---- the loop ----------------------------------------------------------------------------------------------
  function route() {
    const m = /^#\/nodes\/(.+)$/.exec(location.hash);
    return m ? { node: decodeURIComponent(m[1]) } : {};
  }

  function setConn(state, text) {
    conn.dataset.state = state;
    conn.textContent = text;
  }

  async function poll() {
    const mine = ++generation;
    clearTimeout(timer);
    const r = route();
    try {
      const data = r.node ? await load('/dashboard/api/nodes/' + encodeURIComponent(r.node))
        : await load('/dashboard/api/state');
      if (mine !== generation) return;
      view.replaceChildren(...(r.node ? nodePage(data) : overview(data)));
      document.getElementById('auth').hidden = true;
      document.getElementById('updated').textContent = 'updated ' + clock(data.now);
      setConn('live', 'live · every ' + (POLL_MS / 1000) + ' s');
    } catch (e) {
      if (mine !== generation) return;
      if (e.status === 401) {
        document.getElementById('auth').hidden = false;
        document.getElementById('auth-error').textContent = token() ? e.message : '';
        setConn('error', 'sign-in needed');
      } else if (e.status === 404 && r.node) {
        view.replaceChildren(el('a', { class: 'back', href: '#/', text: '← all nodes' }),
          el('p', { class: 'error', text: e.message }));
        setConn('live', 'live');
      } else {
        setConn('error', 'coordinator unreachable: ' + e.message);
      }
    }
    timer = setTimeout(poll, POLL_MS);
  }

  document.getElementById('token-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const value = document.getElementById('token').value.trim();
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    document.getElementById('token').value = '';
    poll();
  });
  document.getElementById('token-clear').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    poll();
  });
  document.getElementById('token-toggle').addEventListener('click', () => {
    const auth = document.getElementById('auth');
    auth.hidden = !auth.hidden;
  });
  window.addEventListener('hashchange', poll);
  poll();
})();
