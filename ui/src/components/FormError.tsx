import type { ReactNode } from "react";
import type { UiError } from "../api";
import { ErrorHint } from "./ErrorHint";

/** One problem the form's check found, in its list; `id` when its field points at it (FormField's `errorId`). */
export interface FormProblem {
  key: string;
  message: ReactNode;
  id?: string;
}

export interface FormErrorProps {
  testId: string;
  /** The form's one problem, as a sentence (a form whose check has a single answer). */
  problem?: string | null;
  /** What the check found, a line per field. */
  problems?: readonly FormProblem[];
  /** Why the backend refused the form: "{failed}: {message}", then what to do about it. */
  failure: UiError | null;
  /** How that sentence starts: "Couldn’t add the account". */
  failed: string;
  hintTestId: string;
}

/** Under a form's fields: what is wrong with it (`role="alert"`), or nothing. */
export function FormError({ testId, problem, problems = [], failure, failed, hintTestId }: FormErrorProps) {
  if (!problem && !failure && problems.length === 0) return null;
  return (
    <div className="form-error" data-testid={testId} data-error-code={failure?.code} role="alert">
      {problem ? (
        <p>{problem}</p>
      ) : failure ? (
        <>
          <p>
            {failed}: {failure.message}
          </p>
          <ErrorHint error={failure} testId={hintTestId} />
        </>
      ) : (
        <ul>
          {problems.map((p) => (
            <li key={p.key} id={p.id}>
              {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
