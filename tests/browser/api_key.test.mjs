// The console's Idempotency-Key without crypto.randomUUID (absent on pages served over plain
// HTTP to a LAN address): a version-4 UUID every time, never the same twice.
// Run: node --test tests/browser/api_key.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';

test('an idempotency key is a fresh v4 UUID even where crypto.randomUUID is missing', async () => {
  const randomUUID = crypto.randomUUID;
  delete Object.getPrototypeOf(crypto).randomUUID;
  try {
    assert.equal(typeof crypto.randomUUID, 'undefined');
    const { newKey } = await import('../../gateway/web/api.js');
    const keys = new Set(Array.from({ length: 1000 }, newKey));
    assert.equal(keys.size, 1000);
    for (const key of keys) assert.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  } finally {
    Object.getPrototypeOf(crypto).randomUUID = randomUUID;
  }
});
