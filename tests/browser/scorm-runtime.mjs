// Launches every SCO of an extracted SCORM 1.2 package in headless Chromium inside a stand-in
// LMS: a page whose `window.API` is scorm-again's real SCORM 1.2 runtime. For each SCO it
// checks what an LMS needs to record progress: LMSInitialize first, `cmi.core.lesson_status`
// set to "completed" once the learner reaches the end, and LMSFinish exactly once, last.
//
// usage: node tests/browser/scorm-runtime.mjs <extracted-package-dir>
// exit 0 when every SCO reports; otherwise prints what went wrong and exits 1.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';

const packageDir = path.resolve(process.argv[2] ?? '');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const runtime = fs.readFileSync(path.join(root, 'node_modules/scorm-again/dist/scorm12.js'));

const lmsPage = (sco) => `<!doctype html><meta charset="utf-8"><title>Stand-in LMS</title>
<script src="/lms/scorm12.js"></script>
<script>
  window.calls = [];
  window.API = new Scorm12API({ autocommit: false, logLevel: 5 });
  for (const name of ['LMSInitialize', 'LMSCommit', 'LMSFinish']) {
    window.API.on(name, () => window.calls.push(name));
  }
  window.API.on('LMSSetValue.cmi.core.lesson_status', (element, value) => window.calls.push('status:' + value));
</script>
<iframe id="sco" style="width:100%;height:500px;border:0" src="/sco/${encodeURI(sco)}"></iframe>`;

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.xml': 'application/xml' };

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/lms/scorm12.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    return res.end(runtime);
  }
  if (url.pathname === '/lms.html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(lmsPage(url.searchParams.get('sco') ?? ''));
  }
  if (url.pathname.startsWith('/sco/')) {
    const file = path.join(packageDir, decodeURIComponent(url.pathname.slice('/sco/'.length)));
    if (file.startsWith(packageDir) && fs.existsSync(file)) {
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
      return res.end(fs.readFileSync(file));
    }
  }
  res.writeHead(404).end();
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const manifest = fs.readFileSync(path.join(packageDir, 'imsmanifest.xml'), 'utf8');
const scos = [...manifest.matchAll(/<resource\b[^>]*\bhref="([^"]+)"/g)].map((match) => match[1]);

const browser = await launchChromium();

const failures = [];
try {
  if (scos.length === 0) failures.push('the manifest lists no SCO');
  for (const sco of scos) {
    const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    try {
      await page.goto(`${base}/lms.html?sco=${encodeURIComponent(sco)}`);
      await page.waitForFunction(() => window.calls.includes('LMSInitialize'), null, { timeout: 10000 });
      const frame = page.frames().find((f) => f.url().includes('/sco/'));
      // The learner reads to the end of the page.
      await frame.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await page.waitForFunction(() => window.calls.includes('status:completed'), null, { timeout: 10000 });
      // The learner leaves the SCO (the LMS moves on): the SCO must finish.
      await page.evaluate(() => { document.getElementById('sco').src = 'about:blank'; });
      await page.waitForFunction(() => window.calls.includes('LMSFinish'), null, { timeout: 10000 });
      const calls = await page.evaluate(() => window.calls);
      const status = await page.evaluate(() => window.API.cmi.core.lesson_status);
      if (calls[0] !== 'LMSInitialize') failures.push(`${sco}: first call was ${calls[0]}`);
      if (calls.filter((c) => c === 'LMSFinish').length !== 1 || calls.at(-1) !== 'LMSFinish') failures.push(`${sco}: LMSFinish not exactly once and last: ${calls}`);
      if (status !== 'completed') failures.push(`${sco}: the LMS recorded ${status}`);
      if (errors.length) failures.push(`${sco}: page errors: ${errors.join('; ')}`);
      console.log(`${sco}: ${calls.join(' → ')}`);
    } catch (error) {
      const calls = await page.evaluate(() => window.calls).catch(() => []);
      failures.push(`${sco}: ${error.message.split('\n')[0]} (calls so far: ${calls.join(', ')})`);
    } finally {
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}

if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
