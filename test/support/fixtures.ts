import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Text of a data file in test/fixtures/, byte for byte. */
export function fixture(name: string): string {
  return readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8');
}
