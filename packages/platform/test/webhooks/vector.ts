import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The contract digest, read at run time from ../shared (absent in a clone standing alone). */
export const CONTRACT_PATH = fileURLToPath(
  new URL('../../../../../shared/contract/VIPPS-API.md', import.meta.url),
);
export const HAS_CONTRACT = existsSync(CONTRACT_PATH);

/** The signing test vector of contract 4.4, read from its tables: inputs and expected outputs. */
export interface SigningVector {
  secret: string;
  url: string;
  body: string;
  date: string;
  contentHash: string;
  signature: string;
}

/** Reads the test vector of contract 4.4 from the digest's "Test vector" tables. */
export function readSigningVector(): SigningVector {
  const text = readFileSync(CONTRACT_PATH, 'utf8');
  const section = text.slice(text.indexOf('### 4.4'), text.indexOf('### 4.5'));
  const cell = (label: string): string => {
    const m = new RegExp(`^\\|\\s*${label}\\s*\\|\\s*\`([^\`]+)\`\\s*\\|`, 'm').exec(section);
    if (!m?.[1]) throw new Error(`contract 4.4: no test-vector row "${label}"`);
    return m[1];
  };
  return {
    secret: cell('secret'),
    url: cell('URL'),
    body: cell('body'),
    date: cell('date'),
    contentHash: cell('content hash'),
    signature: cell('signature'),
  };
}
