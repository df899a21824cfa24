import { Field } from '../components';

/**
 * Custodians' share files of a split archive key, chosen from the officer's computer: their
 * text goes with the request that opens sealed content (k of them), for that act only.
 */
export function ShareFilesField({
  id,
  label,
  hint,
  onChange,
}: {
  id: string;
  label: string;
  hint: string;
  onChange: (texts: string[]) => void;
}) {
  return (
    <Field label={label} id={id} hint={hint}>
      <input
        id={id}
        type="file"
        multiple
        accept=".txt,text/plain"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          void Promise.all(files.map((f) => f.text())).then(onChange);
        }}
      />
    </Field>
  );
}
