import { useCallback, useEffect, useState } from 'react';
import { del, get } from '../api';
import { Alert, Loading } from '../components';
import { when } from '../time';
import type { Passkey, PasskeyRevoked, User } from '../types';

const whenOrNever = (iso: string | null) => (iso ? when(iso) : 'Never');

/** What a passkey told Hotline about itself: synced or device-bound, backed up, user verified. */
function flags(k: Passkey): string {
  const kind = k.backupEligible
    ? `Synced passkey${k.backedUp ? ' (backed up)' : ' (not yet backed up)'}`
    : 'Device-bound';
  const uv =
    k.userVerified === null
      ? 'user verification not recorded'
      : k.userVerified
        ? 'user verified'
        : 'user not verified';
  return `${kind}; ${uv}`;
}

function attestation(k: Passkey): string {
  if (!k.attestation || k.attestation.fmt === 'none') return 'None given';
  return `${k.attestation.fmt}${k.attestation.verified ? ', certificate verified' : ', self-attested'}`;
}

/**
 * Administration: one person's passkeys, with the device flags each reported, its
 * authenticator (from the AAGUID), last use, and whether the device policy lets it sign them in
 * under their roles. Each can be revoked after a confirmation, which warns at the last one.
 * Sessions already signed in stay: end them in the sessions list.
 */
export function PersonPasskeys({ user }: { user: User }) {
  const [keys, setKeys] = useState<Passkey[] | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const load = useCallback(
    () => get<Passkey[]>(`/api/v1/users/${user.id}/passkeys`).then(setKeys, setError),
    [user.id],
  );
  useEffect(() => {
    void load();
  }, [load]);

  async function revoke(k: Passkey) {
    setError(null);
    setDone(null);
    try {
      const r = await del<PasskeyRevoked>(`/api/v1/users/${user.id}/passkeys/${encodeURIComponent(k.id)}`);
      setDone(r.warning ?? `Revoked “${k.name}”: it no longer signs ${user.displayName} in.`);
      setConfirming(null);
      await load();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="person-passkeys">
      <Alert error={error} />
      <Alert error={done} kind="success" />
      {!keys && !error && <Loading what="Loading passkeys" />}
      {keys && keys.length === 0 && <p>{user.displayName} has no passkey.</p>}
      {keys && keys.length > 0 && (
        <div className="table-scroll">
          <table className="table table-compact">
            <caption className="visually-hidden">Passkeys of {user.displayName}</caption>
            <thead>
              <tr>
                <th scope="col">Passkey</th>
                <th scope="col">Authenticator</th>
                <th scope="col">Device</th>
                <th scope="col">Attestation</th>
                <th scope="col">Added</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <th scope="row">
                    {k.name}
                    {!k.allowed && (
                      <>
                        <br />
                        <span className="tag">Not allowed for their role</span>
                        <span className="visually-hidden">: {k.refusal}</span>
                      </>
                    )}
                  </th>
                  <td>{k.authenticator}</td>
                  <td>{flags(k)}</td>
                  <td>{attestation(k)}</td>
                  <td>{whenOrNever(k.createdAt)}</td>
                  <td>{whenOrNever(k.lastUsedAt)}</td>
                  <td>
                    {confirming === k.id ? (
                      <div className="confirm" role="alertdialog" aria-label={`Revoke ${k.name}`}>
                        <p>
                          Revoke “{k.name}”? It will no longer sign {user.displayName} in.
                          {keys.length === 1 &&
                            ` This is their last passkey: they will not be able to sign in until they register one from a new invite.`}{' '}
                          Sessions already signed in stay until they expire or you end them.
                        </p>
                        <button type="button" className="btn btn-danger" onClick={() => revoke(k)}>
                          Revoke {k.name}
                        </button>{' '}
                        <button type="button" className="btn" onClick={() => setConfirming(null)}>
                          Cancel
                        </button>
                      </div>
                    ) : (
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        onClick={() => setConfirming(k.id)}
                      >
                        Revoke…
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
