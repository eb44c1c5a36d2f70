/**
 * Example prompts per task family. The server's /api/info `examples` win; these are the
 * fallback while it is unreachable or an older server does not send them.
 */

export const FALLBACK_EXAMPLES = {
  addition: ['What is 3 plus 4?', "what's 347 + 235?"],
  subtraction: ['What is 3 minus 7?', 'What is 52 - 18?'],
  parity: ['Is 7 even or odd?', 'Is 128 even?'],
  ordering: ['Which number is larger, 3 or 8?'],
  sorting: ['Sort 12, 7, 300'],
  successor: ['What comes after 4?', 'What comes before 100?'],
  multiplication: ['What is 6 times 7?'],
  multistep: ['What is 3 plus 4 minus 2?'],
  out_of_scope: ['What is the capital of France?'],
};

/** [[family, prompts]] from the server's examples when usable, else the fallback. */
export function examplesByFamily(fromServer) {
  const usable =
    fromServer &&
    typeof fromServer === 'object' &&
    Object.values(fromServer).some((list) => Array.isArray(list) && list.length > 0);
  const source = usable ? fromServer : FALLBACK_EXAMPLES;
  return Object.entries(source)
    .filter(([, list]) => Array.isArray(list) && list.length > 0)
    .map(([family, list]) => [family, list.filter((p) => typeof p === 'string')]);
}
