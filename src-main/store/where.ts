/**
 * A WHERE clause built from conditions, every value a bound parameter: the queue's filters and an
 * export's selection both read `cases` (aliased c) this way.
 */
export class WhereBuilder {
  private readonly parts: string[] = [];
  readonly params: Record<string, unknown> = {};

  /** Adds `sql` with its parameters. */
  add(sql: string, params: Record<string, unknown> = {}): this {
    this.parts.push(sql);
    Object.assign(this.params, params);
    return this;
  }

  /** `column = @name`, only when a value is given (an absent filter matches everything). */
  equals(column: string, name: string, value: string | null | undefined): this {
    return value ? this.add(`${column} = @${name}`, { [name]: value }) : this;
  }

  get conditions(): number {
    return this.parts.length;
  }

  get sql(): string {
    return this.parts.length ? this.parts.join(' AND ') : '1';
  }
}
