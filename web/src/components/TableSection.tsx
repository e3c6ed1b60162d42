// A titled section of a page whose table is captioned by the section's own title (agency, state and
// methodology pages); when there are no rows, a line in the table's place or no section at all.
import type { ComponentChildren } from "preact";
import { DataTable, type DataTableProps, Section } from "./ui.js";

export function TableSection<R>({
  id,
  title,
  empty,
  intro,
  children,
  ...table
}: Omit<DataTableProps<R>, "caption" | "empty"> & {
  id: string;
  title: string;
  /**
   * What stands in the table's place when there are no rows: a line of text, or null for no section
   * at all; without it an empty table is shown.
   */
  empty?: string | null;
  /** Before the table. */
  intro?: ComponentChildren;
  /** After the table. */
  children?: ComponentChildren;
}) {
  if (!table.rows.length && empty === null) return null;
  return (
    <Section id={id} title={title}>
      {intro}
      <DataTable caption={title} empty={empty ?? undefined} {...table} />
      {children}
    </Section>
  );
}
