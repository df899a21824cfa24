import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';

/** The AWS SDK is loaded the first time a replica on S3 is opened (not at every start). */
const awsSdk = () => import('@aws-sdk/client-s3');

/**
 * Where a second copy of the archive lives: a folder, or a prefix in an S3-compatible bucket.
 * Paths are relative, '/'-separated ("checkpoint", "tile/0/000", "sealed/<key>/<digest>").
 */
export interface ReplicaStore {
  /** The folder or s3:// URL, for messages. */
  readonly where: string;
  get(path: string): Promise<Uint8Array | null>;
  put(path: string, bytes: Uint8Array): Promise<void>;
  delete(path: string): Promise<void>;
  /** Every path under `prefix` (e.g. "sealed/"). */
  list(prefix: string): Promise<string[]>;
  close(): void;
}

function checkPath(path: string): void {
  if (
    !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(path) ||
    path.split('/').some((p) => p === '..' || p === '.')
  )
    throw new Error(`not a replica path: "${path}"`);
}

/** A replica in a local (or mounted) folder. Each file is written whole, then renamed into place. */
export class FolderStore implements ReplicaStore {
  readonly where: string;
  constructor(root: string) {
    this.where = resolve(root);
  }

  private file(path: string): string {
    checkPath(path);
    return join(this.where, ...path.split('/'));
  }

  async get(path: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.file(path)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async put(path: string, bytes: Uint8Array): Promise<void> {
    const f = this.file(path);
    await mkdir(dirname(f), { recursive: true });
    const tmp = `${f}.tmp-${process.pid}`;
    await writeFile(tmp, bytes);
    await rename(tmp, f);
  }

  async delete(path: string): Promise<void> {
    await rm(this.file(path), { force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.isFile() && !e.name.includes('.tmp-'))
          out.push(relative(this.where, p).split(sep).join('/'));
      }
    };
    await walk(this.where);
    return out.filter((p) => p.startsWith(prefix)).sort();
  }

  close(): void {}
}

/**
 * A replica under s3://bucket/prefix on any S3-compatible server. The endpoint and credentials
 * come from the usual AWS variables (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_REGION); with a custom endpoint, path-style addressing is used (MinIO, Ceph, versitygw…).
 */
export class S3Store implements ReplicaStore {
  readonly where: string;
  private readonly client: Promise<S3Client>;
  private readonly prefix: string;

  constructor(
    private readonly bucket: string,
    prefix: string,
    config: S3ClientConfig = {},
  ) {
    this.prefix = prefix.replace(/^\/+|\/+$/g, '');
    this.where = `s3://${bucket}/${this.prefix}`;
    const endpoint = config.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
    this.client = awsSdk().then(
      ({ S3Client }) =>
        new S3Client({
          region: process.env.AWS_REGION ?? 'us-east-1',
          ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
          ...config,
        }),
    );
  }

  private key(path: string): string {
    checkPath(path);
    return this.prefix ? `${this.prefix}/${path}` : path;
  }

  async get(path: string): Promise<Uint8Array | null> {
    try {
      const [client, { GetObjectCommand }] = await Promise.all([this.client, awsSdk()]);
      const r = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
      return r.Body ? await r.Body.transformToByteArray() : new Uint8Array();
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NoSuchBucket')
        throw new Error(`${this.where}: the bucket ${this.bucket} does not exist; create it first`);
      if (e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return null;
      throw err;
    }
  }

  async put(path: string, bytes: Uint8Array): Promise<void> {
    const [client, { PutObjectCommand }] = await Promise.all([this.client, awsSdk()]);
    await client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(path), Body: bytes }));
  }

  async delete(path: string): Promise<void> {
    const [client, { DeleteObjectCommand }] = await Promise.all([this.client, awsSdk()]);
    await client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    const base = this.prefix ? `${this.prefix}/` : '';
    let token: string | undefined;
    const [client, { ListObjectsV2Command }] = await Promise.all([this.client, awsSdk()]);
    do {
      const r = await client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: base + prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const o of r.Contents ?? []) if (o.Key) out.push(o.Key.slice(base.length));
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  close(): void {
    void this.client.then((c) => c.destroy());
  }
}

/** A folder path, a file:// URL or s3://bucket/prefix. */
export function openReplicaStore(target: string, s3?: S3ClientConfig): ReplicaStore {
  if (target.startsWith('s3://')) {
    const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(target);
    if (!m)
      throw new Error(
        `"${target}" is not s3://bucket/prefix (bucket: 3–63 lower-case letters, digits, dots, hyphens)`,
      );
    return new S3Store(m[1]!, m[2] ?? '', s3);
  }
  if (target.startsWith('file://')) return new FolderStore(fileURLToPath(target));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target))
    throw new Error(`"${target}" is neither a folder, a file:// URL nor an s3://bucket/prefix`);
  return new FolderStore(target);
}
