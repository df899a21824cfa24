/**
 * The messaging client's storage: IndexedDB, every value sealed with AES-GCM under a key the page
 * cannot export. The CryptoKey object itself is stored in IndexedDB (structured clone keeps it
 * non-extractable), so a reload finds it again while no script, this one included, can read its
 * bytes. MLS state, the device's signature private key and decrypted messages live only here.
 */

const DB_NAME = 'hotline-messaging';
const KEYS = 'keys';
const SEALED = 'sealed';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function openDb(): Promise<IDBDatabase> {
  const r = indexedDB.open(DB_NAME, 1);
  r.onupgradeneeded = () => {
    r.result.createObjectStore(KEYS);
    r.result.createObjectStore(SEALED);
  };
  return request(r);
}

interface Sealed {
  iv: Uint8Array;
  ct: ArrayBuffer;
}

export class SealedStore {
  private constructor(
    private readonly db: IDBDatabase,
    private readonly key: CryptoKey,
    /** Each person's values are kept apart (several people may sign in on one browser). */
    private readonly scope: string,
  ) {}

  /** The store of one person on this browser, creating its sealing key on first use. */
  static async open(scope: string): Promise<SealedStore> {
    const db = await openDb();
    const keyName = `seal:${scope}`;
    let key = await request(db.transaction(KEYS).objectStore(KEYS).get(keyName));
    if (!(key instanceof CryptoKey)) {
      key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      const tx = db.transaction(KEYS, 'readwrite');
      // add(), not put(): if another tab made the key first, use that one.
      tx.objectStore(KEYS).add(key, keyName);
      try {
        await new Promise<void>((resolve, reject) => {
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
          tx.onabort = () => reject(tx.error);
        });
      } catch {
        key = await request(db.transaction(KEYS).objectStore(KEYS).get(keyName));
      }
    }
    return new SealedStore(db, key as CryptoKey, scope);
  }

  /** The sealing key (for checks: it must not be extractable). */
  get sealingKey(): CryptoKey {
    return this.key;
  }

  private name(n: string) {
    return `${this.scope}:${n}`;
  }

  async get<T>(name: string): Promise<T | undefined> {
    const s = (await request(this.db.transaction(SEALED).objectStore(SEALED).get(this.name(name)))) as
      | Sealed
      | undefined;
    if (!s) return undefined;
    const plain = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: s.iv as BufferSource,
        additionalData: new TextEncoder().encode(this.name(name)),
      },
      this.key,
      s.ct,
    );
    return JSON.parse(new TextDecoder().decode(plain)) as T;
  }

  /** Seal and write; resolves once the write is durable (the transaction completed). */
  async put(name: string, value: unknown): Promise<void> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(this.name(name)) },
      this.key,
      new TextEncoder().encode(JSON.stringify(value)),
    );
    const tx = this.db.transaction(SEALED, 'readwrite', { durability: 'strict' });
    tx.objectStore(SEALED).put({ iv, ct } satisfies Sealed, this.name(name));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  async delete(name: string): Promise<void> {
    const tx = this.db.transaction(SEALED, 'readwrite');
    tx.objectStore(SEALED).delete(this.name(name));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }

  /** The raw stored records (sealed), to show that nothing readable is at rest. */
  async rawValues(): Promise<unknown[]> {
    return request(this.db.transaction(SEALED).objectStore(SEALED).getAll());
  }
}
