// Fill screener's Questionnaire in LHC-Forms by clicking, as a person would, then export the
// QuestionnaireResponse LHC-Forms makes. Usage: node fill.js questionnaire.json plan.json out.json shot.png
const puppeteer = require('puppeteer-core');
const fs = require('fs');
(async () => {
  const [qFile, planFile, outFile, shot] = process.argv.slice(2);
  const browser = await puppeteer.launch({executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox']});
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push('pageerror: ' + e.message));
  page.on('console', m => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
  await page.setViewport({width: 1000, height: 1600});
  await page.goto('http://127.0.0.1:8765/index.html', {waitUntil: 'networkidle0'});
  const q = JSON.parse(fs.readFileSync(qFile, 'utf8'));
  await page.evaluate(async (q) => { await LForms.Util.addFormToPage(q, 'formContainer', {}); }, q);
  await new Promise(r => setTimeout(r, 500));
  const plan = JSON.parse(fs.readFileSync(planFile, 'utf8'));
  const log = [];
  for (const [linkId, label] of plan) {
    const got = await page.evaluate((linkId, label) => {
      // An item's element id is its linkId and its place: /1/1 in a group, /1 at the top.
      const el = ['/1/1', '/1'].map(at => document.getElementById('label-' + linkId + at) || document.getElementById(linkId + at)).find(e => e);
      if (!el) return 'not shown';
      let item = el; while (item && item.tagName !== 'LHC-ITEM') item = item.parentElement;
      if (!item) return 'no item';
      const inputs = [...item.querySelectorAll('input[type=radio],input[type=checkbox]')];
      const labelOf = i => (i.closest('label') || i.parentElement).textContent.trim();
      for (const i of inputs) { if (labelOf(i) === label) { i.click(); return 'clicked'; } }
      return 'no option ' + JSON.stringify(inputs.map(labelOf));
    }, linkId, label);
    await new Promise(r => setTimeout(r, 50));
    log.push(linkId + ' ' + label + ': ' + got);
  }
  await new Promise(r => setTimeout(r, 300));
  const checked = await page.evaluate(() => {
    const out = {};
    for (const i of document.querySelectorAll('input[type=checkbox]')) {
      let item = i; while (item && item.tagName !== 'LHC-ITEM') item = item.parentElement;
      const id = item.querySelector('[id$="/1/1"]').id;
      (out[id] = out[id] || []).push(((i.closest('label') || i.parentElement).textContent.trim()) + (i.checked ? '=on' : '=off'));
    }
    return out;
  });
  const qr = await page.evaluate(() => LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', document.getElementById('formContainer')));
  fs.writeFileSync(outFile, JSON.stringify(qr, null, 2) + '\n');
  if (shot) await page.screenshot({path: shot, fullPage: false});
  console.log(log.join('\n'));
  console.log('checkboxes: ' + JSON.stringify(checked));
  console.log('errors: ' + JSON.stringify(errors));
  await browser.close();
})();
