// Docker's `filters` query parameter: a JSON map of filter name → values.
export function filtersParam(filters: Record<string, string[]> | undefined): string | undefined {
  if (!filters) return undefined;
  const used = Object.fromEntries(Object.entries(filters).filter(([, v]) => v.length > 0));
  return Object.keys(used).length === 0 ? undefined : JSON.stringify(used);
}
