// A real SMTP server in its own process, for the notification email tests: the smtp-server
// package on a free loopback port. It prints `{"port":N}` once listening, then one JSON line per
// message it accepted ({ from, to, data }). A line `reject N` on its stdin makes it answer the
// next N messages with a temporary failure (451), as a busy relay would.
import { SMTPServer } from 'smtp-server';

let reject = 0;
let input = '';
process.stdin.on('data', (d) => {
  input += d.toString('utf8');
  let i = input.indexOf('\n');
  while (i >= 0) {
    const m = /^reject (\d+)$/.exec(input.slice(0, i).trim());
    if (m) reject = Number(m[1]);
    input = input.slice(i + 1);
    i = input.indexOf('\n');
  }
  process.stdout.write(`${JSON.stringify({ ack: reject })}\n`);
});
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  disableReverseLookup: true,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      if (reject > 0) {
        reject--;
        const err = new Error('Try again later');
        err.responseCode = 451;
        callback(err);
        return;
      }
      process.stdout.write(
        `${JSON.stringify({
          from: session.envelope.mailFrom?.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
        })}\n`,
      );
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
