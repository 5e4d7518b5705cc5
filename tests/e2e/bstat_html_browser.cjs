// bstat_html_browser.cjs — loads a bstat HTML page in headless Chromium
// over the DevTools protocol (--remote-debugging-pipe: NUL-separated JSON
// on fds 3 and 4, so no WebSocket library is needed) and checks it against
// bstat's JSON output for the same inputs:
//   - one section per table and one card per row, in order, each with its
//     plot present, of a real size, displayed, visible and not covered;
//   - every sample is drawn (a report's lanes, a trend's points);
//   - a report's delta texts and their colouring are the JSON's delta and
//     "significant" (the text table's words and rule);
//   - no request other than the page itself was made, and the CSP is there;
//   - at 390 px (a phone) nothing overflows sideways; dark mode changes
//     the colours.
// Screenshots (1200 px light, 390 px dark) go to the given directory.
// Usage: node bstat_html_browser.cjs chromium page.html expected.json kind outdir
// kind is "report" or "history". Exits 0 when every check passes, else 1.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [chromium, page, expectedPath, kind, outdir] = process.argv.slice(2);
const expected = JSON.parse(fs.readFileSync(expectedPath, 'utf8'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bstat-chromium-'));
const url = 'file://' + path.resolve(page);
const failures = [];
const fail = (msg) => failures.push(msg);

const proc = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--user-data-dir=' + profile,
  '--remote-debugging-pipe', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
let stderr = '';
proc.stderr.on('data', (d) => { stderr += d; });

let nextId = 1, inbuf = '';
const pending = new Map(), listeners = [];
proc.stdio[4].on('data', (chunk) => {
  inbuf += chunk.toString('utf8');
  let z;
  while ((z = inbuf.indexOf('\0')) >= 0) {
    const msg = JSON.parse(inbuf.slice(0, z));
    inbuf = inbuf.slice(z + 1);
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(JSON.stringify(msg.error)));
      else resolve(msg.result);
    } else if (msg.method) {
      for (const l of listeners) l(msg);
    }
  }
});
function send(method, params = {}, sessionId) {
  const id = nextId++;
  const msg = { id, method, params };
  if (sessionId) msg.sessionId = sessionId;
  proc.stdio[3].write(JSON.stringify(msg) + '\0');
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}
function waitFor(method, sessionId) {
  return new Promise((resolve) => {
    const l = (msg) => {
      if (msg.method === method && msg.sessionId === sessionId) {
        listeners.splice(listeners.indexOf(l), 1);
        resolve(msg.params);
      }
    };
    listeners.push(l);
  });
}

// Runs in the page: what the checks need, as plain data.
function inspect() {
  const visible = (el) => {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (r.width < 150 || r.height < 40 || cs.display === 'none' ||
        cs.visibility !== 'visible' || Number(cs.opacity) === 0) return false;
    el.scrollIntoView({ block: 'center' });
    const q = el.getBoundingClientRect();
    const hit = document.elementFromPoint(q.left + q.width / 2, q.top + q.height / 2);
    return !!hit && (hit === el || el.contains(hit) || hit.contains(el));
  };
  const sections = [...document.querySelectorAll('section.table')].map((s) => ({
    unit: s.dataset.unit,
    cards: [...s.querySelectorAll('.bench')].map((b) => {
      const svg = b.querySelector('svg.plot');
      return {
        bench: b.dataset.bench, unit: b.dataset.unit, hasPlot: !!svg,
        overflow: b.scrollWidth > b.clientWidth + 1,
        visible: !!svg && visible(svg),
        lanes: svg ? [...svg.querySelectorAll('g.lane')].map((g) => g.querySelectorAll('circle.s').length) : [],
        points: svg ? svg.querySelectorAll('circle.pt:not(.s)').length : 0,
        deltas: [...b.querySelectorAll('td.delta')].map((d) => ({ text: d.textContent, cls: d.className })),
      };
    }),
  }));
  const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
  const external = [...document.querySelectorAll('[src],[href],link,script,iframe,img,object,embed')].length;
  return {
    sections, csp: csp ? csp.content : '', external,
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    background: getComputedStyle(document.body).backgroundColor,
  };
}

function checkReport(got) {
  expected.tables.forEach((t, i) => {
    const s = got.sections[i];
    if (!s) return fail(`table ${i} (${t.unit}): no section`);
    if (s.unit !== t.unit) fail(`table ${i}: unit ${s.unit}, want ${t.unit}`);
    if (s.cards.length !== t.rows.length) fail(`table ${i}: ${s.cards.length} cards, want ${t.rows.length}`);
    t.rows.forEach((row, j) => {
      const c = s.cards[j];
      if (!c) return;
      const where = `${t.unit} ${row.name}`;
      if (c.bench !== row.name) fail(`${where}: card is ${c.bench}`);
      if (c.overflow) fail(`${where}: content wider than its card`);
      if (!c.hasPlot) fail(`${where}: no plot`);
      else if (!c.visible) fail(`${where}: plot not visible`);
      if (kind === 'report') {
        row.cells.forEach((cell, k) => {
          const drawn = c.lanes[k];
          const want = cell ? cell.values.filter((v) => v !== null).length : 0;
          if (drawn !== want) fail(`${where} column ${k}: ${drawn} samples drawn, want ${want}`);
        });
        const cmps = row.cells.slice(1).filter((cell) => cell && cell.comparison).map((cell) => cell.comparison);
        if (cmps.length !== c.deltas.length) fail(`${where}: ${c.deltas.length} deltas, want ${cmps.length}`);
        cmps.forEach((cmp, k) => {
          const d = c.deltas[k];
          if (!d) return;
          if (d.text !== cmp.delta) fail(`${where}: delta "${d.text}", the table says "${cmp.delta}"`);
          const coloured = /\b(worse|better)\b/.test(d.cls);
          if (coloured !== (cmp.significant && cmp.delta !== '0.00%'))
            fail(`${where}: delta coloured=${coloured} but significant=${cmp.significant}`);
        });
      } else {
        const want = row.cells.filter((cell) => cell).length;
        if (c.points !== want) fail(`${where}: ${c.points} commits drawn, want ${want}`);
      }
    });
  });
  if (got.sections.length !== expected.tables.length)
    fail(`${got.sections.length} sections, want ${expected.tables.length}`);
}

async function main() {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const requests = [];
  listeners.push((msg) => {
    if (msg.method === 'Network.requestWillBeSent' && msg.sessionId === sessionId)
      requests.push(msg.params.request.url);
    if (msg.method === 'Runtime.exceptionThrown' && msg.sessionId === sessionId)
      fail('page exception: ' + JSON.stringify(msg.params.exceptionDetails.text));
  });
  await send('Page.enable', {}, sessionId);
  await send('Network.enable', {}, sessionId);
  await send('Runtime.enable', {}, sessionId);

  const load = async (width, height, mobile, dark) => {
    await send('Emulation.setDeviceMetricsOverride',
      { width, height, deviceScaleFactor: 1, mobile }, sessionId);
    await send('Emulation.setEmulatedMedia',
      { features: [{ name: 'prefers-color-scheme', value: dark ? 'dark' : 'light' }] }, sessionId);
    const loaded = waitFor('Page.loadEventFired', sessionId);
    await send('Page.navigate', { url }, sessionId);
    await loaded;
    const r = await send('Runtime.evaluate',
      { expression: `(${inspect.toString()})()`, returnByValue: true }, sessionId);
    if (r.exceptionDetails) throw new Error('inspect: ' + JSON.stringify(r.exceptionDetails));
    await send('Runtime.evaluate', {
      expression: 'window.scrollTo(0, 0); new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))',
      awaitPromise: true,
    }, sessionId);
    return r.result.value;
  };
  const shot = async (name) => {
    const { data } = await send('Page.captureScreenshot', { format: 'png' }, sessionId);
    fs.writeFileSync(path.join(outdir, name), Buffer.from(data, 'base64'));
  };

  const wide = await load(1200, 900, false, false);
  checkReport(wide);
  if (!/default-src 'none'/.test(wide.csp)) fail('no CSP default-src \'none\'');
  if (wide.external) fail(`${wide.external} elements that could load something`);
  if (wide.scrollWidth > wide.innerWidth) fail(`1200 px: ${wide.scrollWidth} px wide`);
  await shot(kind + '.png');

  const phone = await load(390, 844, true, true);
  checkReport(phone);
  if (phone.scrollWidth > phone.innerWidth) fail(`390 px: the page is ${phone.scrollWidth} px wide`);
  if (phone.background === wide.background) fail(`dark mode: background stays ${wide.background}`);
  await shot(kind + '-phone-dark.png');

  const others = requests.filter((u) => u !== url);
  if (others.length) fail('requests left the page: ' + others.join(' '));
  if (requests.length === 0) fail('no request recorded at all (is Network tracking working?)');
  const cards = wide.sections.reduce((n, s) => n + s.cards.length, 0);
  console.log(`${kind}: ${wide.sections.length} tables, ${cards} plots checked at 1200 px and 390 px (dark)`);
}

const timer = setTimeout(() => { fail('timed out after 50 s'); finish(); }, 50000);
function finish() {
  clearTimeout(timer);
  const done = () => {
    // Chromium's helpers (zygote, crashpad) can still be writing into the
    // profile after the browser process exits: retry, and never let the
    // cleanup decide the test.
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    } catch (e) {
      console.log(`note: could not remove ${profile}: ${e.code}`);
    }
    for (const f of failures) console.log('FAIL ' + f);
    process.exit(failures.length ? 1 : 0);
  };
  if (proc.exitCode !== null || proc.signalCode !== null) return done();
  proc.once('exit', done);
  setTimeout(() => { proc.kill('SIGKILL'); setTimeout(done, 500); }, 5000);
  proc.kill();
}
main().then(finish, (e) => { fail(String(e.stack || e)); if (stderr) console.log(stderr.slice(-2000)); finish(); });
