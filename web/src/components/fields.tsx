// The filter bars' fields (agreements, changes, map): a labelled select, and its usual choices.
import type { I18n } from "../i18n/index.js";

export interface Choice {
  value: string;
  label: string;
}

/** "All": the empty value, no filter. */
export function allChoice(i18n: I18n): Choice {
  return { value: "", label: i18n.t("common.all") };
}

/** Data values (models, statuses, agency types…) with their translated names. */
export function valueChoices(i18n: I18n, prefix: string, values: readonly string[]): Choice[] {
  return values.map((v) => ({ value: v, label: i18n.tv(prefix, v) }));
}

/** States by their name in the page's language. */
export function stateChoices(i18n: I18n, states: readonly string[]): Choice[] {
  return states.map((s) => ({ value: s, label: i18n.stateName(s) }));
}

export function SelectField({
  id,
  name,
  label,
  value,
  choices,
  onChange,
  hidden,
  disabled,
}: {
  id: string;
  name: string;
  label: string;
  value: string;
  choices: Choice[];
  onChange: (value: string) => void;
  hidden?: boolean;
  disabled?: boolean;
}) {
  return (
    <div class="field" hidden={hidden}>
      <label for={id}>{label}</label>
      <select id={id} name={name} value={value} disabled={disabled} onChange={(e) => onChange(e.currentTarget.value)}>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export interface Filter {
  /** The address parameter, and the field's name. */
  key: string;
  label: string;
  choices: Choice[];
  hidden?: boolean;
}

/** A filter bar's selects: ids `${prefix}${key}`, values by key, a change reported with its key. */
export function FilterFields({
  prefix,
  filters,
  values,
  onChange,
}: {
  prefix: string;
  filters: Filter[];
  values: Record<string, string>;
  onChange: (key: string, value: string) => void;
}) {
  return (
    <>
      {filters.map((f) => (
        <SelectField
          key={f.key}
          id={`${prefix}${f.key}`}
          name={f.key}
          label={f.label}
          value={values[f.key] ?? ""}
          choices={f.choices}
          onChange={(v) => onChange(f.key, v)}
          hidden={f.hidden}
        />
      ))}
    </>
  );
}
