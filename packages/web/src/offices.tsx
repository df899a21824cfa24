import { useEffect, useState } from 'react';
import { get } from './api';
import { useZone } from './session';
import { dayOf } from './time';
import type { Office } from './types';

/** "Vouched for by alice@host on 3 March 2026": who vouched that the office speaks for its government. */
export function vouchText(o: Office, zone?: string): string {
  return o.vouchedBy && o.vouchedAt
    ? `Vouched for by ${o.vouchedBy} on ${dayOf(o.vouchedAt, zone)}`
    : 'Not vouched for by the server operator';
}

/**
 * A small line under an office's name: who vouched for it and when (the server operator at the
 * host, by OS user@host), and whether it was replaced by another office.
 */
export function VouchedBy({ office, offices }: { office: Office; offices?: Office[] | null }) {
  const zone = useZone();
  const next = office.replacedBy ? offices?.find((o) => o.id === office.replacedBy) : undefined;
  return (
    <span className={`vouched${office.vouchedBy ? '' : ' vouched-none'}`}>
      {vouchText(office, zone)}
      {office.retiredAt && (
        <>
          {' · '}
          <strong>Retired</strong>
          {next ? `: replaced by the ${next.name}` : ''} on {dayOf(office.retiredAt, zone)}
        </>
      )}
    </span>
  );
}

/** The offices, for naming them with their voucher; null while loading or when they cannot be read. */
export function useOffices(): Office[] | null {
  const [offices, setOffices] = useState<Office[] | null>(null);
  useEffect(() => {
    let live = true;
    get<Office[]>('/api/v1/offices').then(
      (o) => live && setOffices(o),
      () => live && setOffices(null),
    );
    return () => {
      live = false;
    };
  }, []);
  return offices;
}
