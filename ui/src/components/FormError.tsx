import type { ReactNode } from "react";
import type { UiError } from "../api";
import type { HintContext } from "../errorHints";
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
  /** Where the form is, for what its hint suggests (see HintContext). */
  hintContext?: HintContext;
}

/** Under a form's fields: what is wrong with it (`role="alert"`), or nothing. */
export function FormError({ testId, problem, problems = [], failure, failed, hintTestId, hintContext }: FormErrorProps) {
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
          <ErrorHint error={failure} testId={hintTestId} context={hintContext} />
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
