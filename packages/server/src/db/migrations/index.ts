import type { Migration } from 'kysely';
import * as m001 from './001-init.js';
import * as m002 from './002-records-log.js';
import * as m003 from './003-calls.js';
import * as m004 from './004-capture.js';
import * as m005 from './005-off-channel.js';
import * as m006 from './006-covered.js';
import * as m007 from './007-call-details.js';
import * as m008 from './008-office-creator.js';
import * as m009 from './009-sessions-admin.js';
import * as m010 from './010-archive-key-id.js';
import * as m011 from './011-leaf-commitments.js';
import * as m012 from './012-passkey-posture.js';
import * as m013 from './013-witness.js';
import * as m014 from './014-office-trust-role-grants.js';
import * as m015 from './015-artifact-office.js';
import * as m016 from './016-live-cluster.js';
import * as m017 from './017-archive.js';
import * as m018 from './018-foreign-contacts.js';
import * as m019 from './019-import-staging.js';
import * as m020 from './020-notifications.js';
import * as m021 from './021-call-people.js';
import * as m023 from './023-archive-index.js';
import * as m024 from './024-transfer.js';
import * as m026 from './026-messaging.js';
import * as m029 from './029-redacted-copies.js';
import * as m030 from './030-messaging-credentials.js';
import * as m031 from './031-disposal-withdrawal.js';
import * as m033 from './033-archive-name-words.js';
import * as m035 from './035-transfer-keyset.js';
import * as m036 from './036-messaging-archive-key-split.js';
import * as m037 from './037-sealed-transferred.js';

/** Every migration, listed by hand in order. Never edit a released one; add the next number. */
export const migrations: Record<string, Migration> = {
  '001-init': m001,
  '002-records-log': m002,
  '003-calls': m003,
  '004-capture': m004,
  '005-off-channel': m005,
  '006-covered': m006,
  '007-call-details': m007,
  '008-office-creator': m008,
  '009-sessions-admin': m009,
  '010-archive-key-id': m010,
  '011-leaf-commitments': m011,
  '012-passkey-posture': m012,
  '013-witness': m013,
  '014-office-trust-role-grants': m014,
  '015-artifact-office': m015,
  '016-live-cluster': m016,
  '017-archive': m017,
  '018-foreign-contacts': m018,
  '019-import-staging': m019,
  '020-notifications': m020,
  '021-call-people': m021,
  '023-archive-index': m023,
  '024-transfer': m024,
  '026-messaging': m026,
  '029-redacted-copies': m029,
  '030-messaging-credentials': m030,
  '031-disposal-withdrawal': m031,
  '033-archive-name-words': m033,
  '035-transfer-keyset': m035,
  '036-messaging-archive-key-split': m036,
  '037-sealed-transferred': m037,
};
