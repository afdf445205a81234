/** JSON that keeps Dates as Dates, for what travels between replicas through Redis. */
export function serialize(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.getTime() } : v;
  });
}

export function deserialize(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const v = value as { $date?: unknown };
      if (typeof v.$date === 'number' && Object.keys(v).length === 1) return new Date(v.$date);
    }
    return value;
  });
}
