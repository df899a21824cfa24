import type { ClassificationRule } from '@hotline/contract';
import { type FormEvent, useState } from 'react';
import { post, put } from '../api';
import { Alert, Field, Loading, PageHeader } from '../components';
import { useConfirm } from '../confirm';
import { useListActions } from '../use-list';

type Category = ClassificationRule['category'];
interface Applied {
  ruleId: string;
  rule: ClassificationRule;
  applied: { itemId: string; from: string; to: Category; recordSeq: number }[];
}

interface Form {
  account: string;
  correspondents: string;
  from: string;
  to: string;
  category: Category;
  reason: string;
  change: string;
}

const EMPTY: Form = {
  account: '',
  correspondents: '',
  from: '',
  to: '',
  category: 'personal',
  reason: '',
  change: '',
};

/** A date field's YYYY-MM-DD as the API's instant: the start of the day (from) or its end (to), UTC. */
const instant = (d: string, end = false) => (d ? `${d}T${end ? '23:59:59' : '00:00:00'}Z` : null);
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '');
/** Correspondents as the server keeps them (lowercased), so the confirmation shows what applies. */
const list = (text: string) =>
  text
    .split(/[\n,;]+/)
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);

/** What a rule covers, in words. */
function covers(r: {
  account: string | null;
  correspondents: string[];
  from: string | null;
  to: string | null;
}) {
  const who = r.correspondents.length ? `with ${r.correspondents.join(', ')}` : 'with anyone';
  const when =
    r.from || r.to ? `from ${day(r.from) || 'the start'} to ${day(r.to) || 'now on'}` : 'at any date';
  return `${r.account ?? 'Every personal account'}, ${who}, ${when}`;
}

/** What applying a rule did, in words. */
function didText(verb: string, a: Applied): string {
  const n = a.applied.length;
  return n
    ? `${verb}. It classified ${n} item(s) as ${a.rule.category}; each decision is a record naming the rule.`
    : `${verb}. It matched no unclassified item; it will decide the matching items of later imports.`;
}

function RuleFields({ form, set, prefix }: { form: Form; set: (f: Form) => void; prefix: string }) {
  const field = (key: keyof Form) => ({
    id: `${prefix}-${key}`,
    value: form[key],
    onChange: (e: { target: { value: string } }) => set({ ...form, [key]: e.target.value }),
  });
  return (
    <>
      <Field
        label="Account"
        id={`${prefix}-account`}
        hint="A personal account; empty: every one of the office"
      >
        <input {...field('account')} />
      </Field>
      <Field
        label="Correspondents"
        id={`${prefix}-correspondents`}
        hint="Addresses, numbers or handles, one a line; empty: anyone"
      >
        <textarea rows={3} {...field('correspondents')} />
      </Field>
      <Field label="From" id={`${prefix}-from`}>
        <input type="date" {...field('from')} />
      </Field>
      <Field label="To" id={`${prefix}-to`}>
        <input type="date" {...field('to')} />
      </Field>
      <Field label="Decides" id={`${prefix}-category`}>
        <select {...field('category')}>
          <option value="presidential">Presidential</option>
          <option value="personal">Personal</option>
        </select>
      </Field>
      <Field
        label="Reason"
        id={`${prefix}-reason`}
        hint="Why these items are presidential or personal; kept in each decision"
      >
        <input {...field('reason')} />
      </Field>
    </>
  );
}

const body = (f: Form) => ({
  account: f.account.trim().toLowerCase() || null,
  correspondents: list(f.correspondents),
  from: instant(f.from),
  to: instant(f.to, true),
  category: f.category,
  reason: f.reason,
});

/**
 * Classification rules (44 U.S.C. 2203(b)) for records officers: this account, these
 * correspondents, this date range → presidential or personal, with a reason. A rule decides the
 * unclassified items it matches when written or changed, and the matching items of later
 * imports; the oldest matching rule decides. Each change and each decision is a record.
 */
export function RulesPage() {
  const { list: rules, error, notice, run } = useListActions<ClassificationRule>('/api/v1/capture/rules');
  const [add, setAdd] = useState<Form>(EMPTY);
  const [editing, setEditing] = useState<{ id: string; form: Form } | null>(null);
  const [confirmDialog, ask] = useConfirm();

  const applyWarning = (f: Form) => ({
    body: `${covers({ account: f.account.trim().toLowerCase() || null, correspondents: list(f.correspondents), from: instant(f.from), to: instant(f.to) })} → ${f.category}. Every unclassified item it matches is decided now, and matching items of later imports as they arrive.`,
    irreversible:
      'each decision is a record in the log; changing or retiring the rule later does not undo it.',
  });

  async function submitAdd(e: FormEvent) {
    e.preventDefault();
    if (!(await ask({ title: 'Apply this rule', ...applyWarning(add) }))) return;
    await run(async () => {
      const a = await post<Applied>('/api/v1/capture/rules', body(add));
      setAdd(EMPTY);
      return didText('Rule written', a);
    });
  }

  async function submitEdit(e: FormEvent) {
    e.preventDefault();
    if (!editing) return;
    const f = editing.form;
    if (!(await ask({ title: 'Apply the changed rule', ...applyWarning(f) }))) return;
    await run(async () => {
      const a = await put<Applied>(`/api/v1/capture/rules/${editing.id}`, { ...body(f), change: f.change });
      setEditing(null);
      return didText('Rule changed', a);
    });
  }

  async function retire() {
    if (!editing) return;
    const f = editing.form;
    const ok = await ask({
      title: 'Retire this rule',
      body: 'The rule decides nothing from now on; the items it decided keep their classification.',
      irreversible: 'a retired rule cannot be changed again; write a new rule instead.',
      danger: true,
    });
    if (!ok) return;
    await run(async () => {
      await post<ClassificationRule>(`/api/v1/capture/rules/${editing.id}/retire`, { reason: f.change });
      setEditing(null);
      return 'Rule retired. The items it decided keep their classification.';
    });
  }

  return (
    <>
      <PageHeader title="Classification rules" />
      <p className="meta">
        A rule classifies many captured items at once as presidential or personal (44 U.S.C. 2203(b)): those
        of an account, with these correspondents, in a date range. The oldest rule that matches an item
        decides it. Every rule, change and decision is a record in the log.
      </p>
      <Alert error={error} />
      <Alert error={notice} kind="success" />
      {confirmDialog}
      <section className="panel" aria-labelledby="rules-add-title">
        <h2 id="rules-add-title">Write a rule</h2>
        <form className="grid-form" onSubmit={(e) => void submitAdd(e)} noValidate>
          <RuleFields form={add} set={setAdd} prefix="add" />
          <div>
            <button type="submit" className="btn btn-primary">
              Write and apply rule
            </button>
          </div>
        </form>
      </section>
      {editing && (
        <section className="panel" aria-labelledby="rules-edit-title">
          <h2 id="rules-edit-title">Change or retire the rule</h2>
          <form className="grid-form" onSubmit={(e) => void submitEdit(e)} noValidate>
            <RuleFields form={editing.form} set={(form) => setEditing({ ...editing, form })} prefix="edit" />
            <Field
              label="Why it changes or is retired"
              id="edit-change"
              hint="Kept in the record of the change"
            >
              <input
                id="edit-change"
                value={editing.form.change}
                onChange={(e) =>
                  setEditing({ ...editing, form: { ...editing.form, change: e.target.value } })
                }
              />
            </Field>
            <div>
              <button type="submit" className="btn btn-primary">
                Save change
              </button>{' '}
              <button type="button" className="btn btn-danger" onClick={() => void retire()}>
                Retire rule
              </button>{' '}
              <button type="button" className="btn" onClick={() => setEditing(null)}>
                Cancel
              </button>
            </div>
          </form>
        </section>
      )}
      <section className="panel" aria-labelledby="rules-list-title">
        <h2 id="rules-list-title">Rules</h2>
        {!rules ? (
          <Loading what="Loading the rules" />
        ) : rules.length === 0 ? (
          <p>No rules yet: every item waits in the queue for a decision of its own.</p>
        ) : (
          <table className="table">
            <caption className="meta">
              {rules.length} rule(s), retired ones included, oldest (deciding first) first
            </caption>
            <thead>
              <tr>
                <th scope="col">Covers</th>
                <th scope="col">Decides</th>
                <th scope="col">Reason</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rules.map((r, i) => (
                <tr key={r.id}>
                  <th scope="row">{covers(r)}</th>
                  <td data-label="Decides">{r.category}</td>
                  <td data-label="Reason">{r.reason}</td>
                  <td data-label="Status">
                    {r.retiredAt ? `Retired ${day(r.retiredAt)}` : `In force since ${day(r.createdAt)}`}
                  </td>
                  <td>
                    {!r.retiredAt && (
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={`Change or retire rule ${i + 1}`}
                        onClick={() =>
                          setEditing({
                            id: r.id,
                            form: {
                              account: r.account ?? '',
                              correspondents: r.correspondents.join('\n'),
                              from: day(r.from),
                              to: day(r.to),
                              category: r.category,
                              reason: r.reason,
                              change: '',
                            },
                          })
                        }
                      >
                        Change
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
