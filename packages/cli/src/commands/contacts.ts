import type { Command } from 'commander';
import { fail } from '../config.js';
import { usingContext } from './admin.js';

type Rescan = { offChannel: { leader: string; at: string }[]; attempted: { leader: string; at: string }[] };

function rescanLine(r: Rescan): string {
  return `Re-scanned everything captured: ${r.offChannel.length} new off-channel contact(s) (each a call that needs a memcon), ${r.attempted.length} new attempted contact(s).\n`;
}

/** `hotline contacts add|list|retire`: the foreign contacts directory, each change a record. */
export function contactsCommands(program: Command): void {
  const contacts = program
    .command('contacts')
    .description("The foreign contacts directory: foreign leaders' known numbers, handles and emails.");
  contacts
    .command('add')
    .description('Add a number, handle or email; everything captured is re-scanned against it.')
    .requiredOption('--kind <kind>', 'number, handle or email')
    .requiredOption('--value <value>', 'e.g. "+52 55 5000 0101", @handle, name@example.org')
    .requiredOption('--leader <name>', 'the leader, e.g. "President of Mexico"')
    .requiredOption('--country <country>', "the leader's country")
    .requiredOption('--source <source>', 'where the entry comes from, for the record')
    .option('--valid-from <iso>', 'valid from this instant (ISO 8601)')
    .option('--valid-to <iso>', 'valid until this instant (ISO 8601)')
    .action(
      async (o: {
        kind: string;
        value: string;
        leader: string;
        country: string;
        source: string;
        validFrom?: string;
        validTo?: string;
      }) => {
        if (!['number', 'handle', 'email'].includes(o.kind))
          fail(new Error(`--kind must be number, handle or email, not "${o.kind}"`), 2);
        try {
          await usingContext(async (ctx) => {
            const { id, rescan } = await ctx.capture.addForeignContact(null, {
              kind: o.kind as 'number' | 'handle' | 'email',
              value: o.value,
              leader: o.leader,
              country: o.country,
              source: o.source,
              validFrom: o.validFrom ?? null,
              validTo: o.validTo ?? null,
            });
            process.stdout.write(
              `Added ${o.kind} ${o.value} for ${o.leader} (${id}).\n${rescanLine(rescan)}`,
            );
          });
        } catch (err) {
          fail(err);
        }
      },
    );
  contacts
    .command('list')
    .description('List the directory, retired entries marked.')
    .action(async () => {
      try {
        await usingContext(async (ctx) => {
          const rows = await ctx.db.selectFrom('foreign_contacts').selectAll().orderBy('leader').execute();
          if (rows.length === 0) process.stdout.write('The directory is empty.\n');
          for (const c of rows) {
            const valid = [c.valid_from?.toISOString() ?? '…', c.valid_to?.toISOString() ?? '…'].join(' to ');
            process.stdout.write(
              `${c.id}  ${c.kind.padEnd(6)} ${c.number.padEnd(24)} ${c.leader} (${c.country}); valid ${valid}; source: ${c.source ?? 'unrecorded'}${c.retired_at ? `; RETIRED ${c.retired_at.toISOString()}` : ''}\n`,
            );
          }
        });
      } catch (err) {
        fail(err);
      }
    });
  contacts
    .command('retire <id>')
    .description('Retire an entry: it stops matching from now on; what it matched stays.')
    .requiredOption('--reason <why>', 'why, for the record')
    .action(async (id: string, o: { reason: string }) => {
      try {
        await usingContext(async (ctx) => {
          await ctx.capture.retireForeignContact(null, id, o.reason);
          process.stdout.write(`Retired ${id}.\n`);
        });
      } catch (err) {
        fail(err);
      }
    });
}
