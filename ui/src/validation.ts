// Client-side checks that mirror the backend's, so an invalid title is refused
// before anything is sent. The backend validates again and has the last word.

export const MAX_TITLE_CHARS = 200;

/** Length in Unicode code points, as the backend (Rust `chars().count()`) counts it. */
export function titleLength(title: string): number {
  return [...title].length;
}

/** Returns a message explaining why `title` (already trimmed) is refused, or null if it is fine. */
export function titleProblem(title: string): string | null {
  if (title.length === 0) return "A title can't be empty.";
  const length = titleLength(title);
  if (length > MAX_TITLE_CHARS) {
    return `A title can have at most ${MAX_TITLE_CHARS} characters (this one has ${length}).`;
  }
  return null;
}
