import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretBox } from '../../ports/secret-box.ts';

export interface SecretBoxKey {
  id: string;
  /** 32 bytes, base64. */
  key: string;
}

const VERSION = 'v1';

/**
 * AES-256-GCM with key ids: "v1.<kid>.<iv>.<tag>.<ciphertext>" (base64url parts).
 * The first configured key seals; every configured key opens, so keys rotate without downtime.
 * The key id is bound as additional authenticated data, so a value cannot be moved to another key.
 */
export class AesGcmSecretBox implements SecretBox {
  private readonly keys: Map<string, Buffer>;
  private readonly currentId: string;

  constructor(keys: SecretBoxKey[]) {
    if (keys.length === 0) throw new Error('Secret box: at least one key is required.');
    this.keys = new Map();
    for (const { id, key } of keys) {
      const bytes = Buffer.from(key, 'base64');
      if (bytes.length !== 32) throw new Error(`Secret box key "${id}" must be 32 bytes (base64), got ${bytes.length}.`);
      if (id.includes('.')) throw new Error(`Secret box key id "${id}" must not contain a dot.`);
      if (this.keys.has(id)) throw new Error(`Secret box key id "${id}" is listed twice.`);
      this.keys.set(id, bytes);
    }
    this.currentId = keys[0]!.id;
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv);
    cipher.setAAD(Buffer.from(`${VERSION}.${this.currentId}`));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [version, id, iv, tag, ciphertext, ...rest] = sealed.split('.');
    if (version !== VERSION || !id || !iv || !tag || ciphertext === undefined || rest.length) throw new Error('Secret box: malformed sealed value.');
    const key = this.keys.get(id);
    if (!key) throw new Error(`Secret box: no key with id "${id}" is configured.`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`${VERSION}.${id}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  needsRotation(sealed: string): boolean {
    return sealed.split('.')[1] !== this.currentId;
  }
}
