/**
 * How a completion reads: its chain-of-thought steps, and the final sentence
 * "therefore the answer is X." with X marked. Display only: the answer itself comes from the
 * server's `answer` field (the model wrote it; nothing here computes or checks it).
 */

const FINAL = 'therefore the answer is ';

/** Sentences of the text, each ending at ". "; the last may still be growing while streaming. */
export function steps(text) {
  return text.split(/(?<=\.)\s+/).filter((step) => step.length > 0);
}

/**
 * {steps, final} where final is {lead, answer, tail} when `answer` is known and the text ends
 * with the contract's sentence, else null (declines, truncated or still streaming).
 */
export function readCompletion(text, answer) {
  const at = answer == null ? -1 : text.lastIndexOf(FINAL);
  if (at === -1) return { steps: steps(text), final: null };
  const sentence = text.slice(at);
  const answerAt = sentence.indexOf(answer, FINAL.length);
  if (answerAt === -1) return { steps: steps(text), final: null };
  return {
    steps: steps(text.slice(0, at)),
    final: {
      lead: sentence.slice(0, answerAt),
      answer,
      tail: sentence.slice(answerAt + answer.length),
    },
  };
}

/** A decline: the model's polite "sorry, I can only ..." for an out-of-scope prompt. */
export function isDecline(text, answer) {
  return answer == null && /^\s*sorry\b/i.test(text);
}
