// Merge each of screener's QuestionnaireResponses into LHC-Forms with the Questionnaire and list
// the items LHC-Forms then shows. Usage: node enabled.js questionnaire.json qrs.json shown.json
const puppeteer = require('puppeteer-core');
const fs = require('fs');
(async () => {
  const [qFile, qrsFile, outFile] = process.argv.slice(2);
  const browser = await puppeteer.launch({executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox']});
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push('pageerror: ' + e.message));
  const q = JSON.parse(fs.readFileSync(qFile, 'utf8'));
  const qrs = JSON.parse(fs.readFileSync(qrsFile, 'utf8'));
  const shown = {};
  for (const [name, qr] of Object.entries(qrs)) {
    await page.goto('http://127.0.0.1:8765/index.html', {waitUntil: 'networkidle0'});
    const res = await page.evaluate(async (q, qr) => {
      try {
        const form = LForms.Util.convertFHIRQuestionnaireToLForms(q, 'R4');
        const merged = LForms.Util.mergeFHIRDataIntoLForms('QuestionnaireResponse', qr, form, 'R4');
        await LForms.Util.addFormToPage(merged, 'formContainer', {});
        return {ok: true, shown: [...document.querySelectorAll('[id^=label-]')].map(e => e.id.slice(6).split('/')[0])};
      } catch (e) { return {ok: false, error: String(e)}; }
    }, q, qr);
    if (!res.ok) { errors.push(name + ': ' + res.error); continue; }
    shown[name] = res.shown;
  }
  fs.writeFileSync(outFile, JSON.stringify(shown));
  console.log(Object.keys(shown).length + ' loaded; errors: ' + JSON.stringify(errors));
  await browser.close();
})();
