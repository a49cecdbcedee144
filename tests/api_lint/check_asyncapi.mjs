// Validates schemas/asyncapi.yaml with the AsyncAPI parser (the reference implementation):
// any diagnostic of severity error fails; warnings are printed.
import { readFile } from 'node:fs/promises';
import { Parser } from '@asyncapi/parser';

const file = process.argv[2];
const parser = new Parser();
const { document, diagnostics } = await parser.parse(await readFile(file, 'utf8'), { source: file });
const severities = ['error', 'warning', 'info', 'hint'];
let errors = 0;
for (const d of diagnostics) {
  if (d.severity === 0) errors++;
  if (d.severity <= 1) console.log(`${severities[d.severity]} ${d.code} at ${d.path.join('.')}: ${d.message}`);
}
if (!document || errors > 0) {
  console.log(`${file}: ${errors} error(s)`);
  process.exit(1);
}
console.log(`${file}: valid AsyncAPI ${document.version()}, ${document.channels().length} channel(s), ${document.messages().length} message(s)`);
