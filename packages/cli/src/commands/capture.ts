import type { ImportFormat } from '@hotline/server';
import type { Command } from 'commander';
import { fail } from '../config.js';
import { progressBar } from '../progress.js';
import { usingContext } from './admin.js';

export function captureCommands(program: Command): void {
  program
    .command('import <kind> <path>')
    .description(
      'Import records from a personal account. <kind> is one of:\n' +
        '  mbox   an mbox file of email (RFC 4155)\n' +
        '  eml    a single email message (.eml)\n' +
        '  x      an X/Twitter archive: the .zip as downloaded, or its extracted folder\n' +
        '  phone  an "SMS Backup & Restore" export (sms-*.xml or calls-*.xml)\n' +
        "  csv    a carrier's call-detail CSV, its columns named with --columns",
    )
    .summary('Import records from a personal account: mbox, eml, x, phone or csv.')
    .requiredOption('--account <id>', 'the personal account, e.g. name@gmail.example.com or @handle')
    .requiredOption('--owner <email>', 'the Hotline user who owns the account')
    .option('--official', 'this is an official account (its copies satisfy the 20-day rule)')
    .option(
      '--columns <mapping>',
      "for csv: which columns hold what, e.g. date=Date,number=Number,minutes=Minutes,direction=Type, or date=Date,from=Caller,to=Callee (the direction then follows from the account's own number)",
    )
    .addHelpText(
      'after',
      '\nA file imports whole or not at all; importing it again adds nothing twice. Stop the server first when it runs on the embedded database.',
    )
    .action(
      async (
        kind: string,
        path: string,
        opts: { account: string; owner: string; official?: boolean; columns?: string },
      ) => {
        if (!['mbox', 'eml', 'x', 'phone', 'csv'].includes(kind))
          fail(new Error(`unknown kind "${kind}"; use mbox, eml, x, phone or csv`), 2);
        const bar = progressBar('import');
        try {
          await usingContext(async (ctx) => {
            const r = await ctx.capture.importFile(
              null,
              kind as ImportFormat,
              path,
              {
                identifier: opts.account,
                ownerEmail: opts.owner,
                official: !!opts.official,
                ...(opts.columns ? { columns: opts.columns } : {}),
              },
              (p) => bar.update(p.bytesRead, p.totalBytes, `${p.items} items`),
            );
            bar.stop();
            process.stdout.write(
              `Imported ${r.added} new item(s) and ${r.attachments} attachment(s); ${r.skipped} already captured (import ${r.importId}).\n`,
            );
            const report = await ctx.captureQueries.importReport(r.importId);
            process.stdout.write(describeImport(r, report));
          });
        } catch (err) {
          bar.stop();
          fail(err);
        }
      },
    );
}

/** The 20-day states, in the order a records officer reads them. */
const STATES: [string, string][] = [
  ['overdue', 'overdue (no copy yet)'],
  ['due', 'due'],
  ['late', 'late'],
  ['needs-classification', 'awaiting classification'],
  ['compliant-copied', 'copied at creation'],
  ['compliant-forwarded', 'forwarded in time'],
  ['compliant-captured', 'captured in time'],
  ['not-applicable', 'outside the rule'],
];

/** What an import found: its items by 20-day state, alerts, location leaks, rule decisions. */
export function describeImport(
  r: {
    offChannel: { leader: string; at: string }[];
    attempted: { leader: string; at: string }[];
    classified: number;
  },
  report: { official: boolean; byStatus: Record<string, number>; locationLeaks: number },
): string {
  const lines: string[] = [];
  if (report.official)
    lines.push('20-day rule: an official account; its items are the copies personal items are matched to.');
  else {
    const parts = STATES.filter(([k]) => report.byStatus[k]).map(
      ([k, label]) => `${report.byStatus[k]} ${label}`,
    );
    lines.push(`20-day rule: ${parts.length ? parts.join(', ') : 'no new items'}.`);
  }
  if (r.classified) lines.push(`Classified by rule: ${r.classified} item(s).`);
  lines.push(
    r.offChannel.length
      ? `Off-channel contacts: ${r.offChannel.length}, each a call that needs a memcon: ${r.offChannel.map((o) => `${o.leader} at ${o.at}`).join('; ')}.`
      : 'Off-channel contacts: none.',
  );
  if (r.attempted.length)
    lines.push(
      `Attempted contacts (no memcon needed): ${r.attempted.map((o) => `${o.leader} at ${o.at}`).join('; ')}.`,
    );
  lines.push(`Location leaks: ${report.locationLeaks ? `${report.locationLeaks} item(s)` : 'none'}.`);
  return `${lines.join('\n')}\n`;
}
