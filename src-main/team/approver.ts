import { AppError } from '../../src-shared/result';

// The proof that a second analyst typed their own passphrase just now. Only Workstation.checkApprover
// issues one, after the throttled check of that analyst's key slot; reviewProposal consumes it once.
// A caller — the API, the CLI, a future one — cannot make one up (an object literal is not in the
// set) nor reuse one, so the four-eyes rules cannot be satisfied by naming an approver.
export interface VerifiedApprover {
  readonly name: string;
  readonly verifiedAt: string;
}

const issued = new WeakSet<VerifiedApprover>();

/** Call only after the analyst's passphrase has been checked (Workstation.checkApprover). */
export function issueApproverProof(name: string, verifiedAt = new Date().toISOString()): VerifiedApprover {
  const proof = Object.freeze({ name, verifiedAt });
  issued.add(proof);
  return proof;
}

/** Spends the proof; throws `forbidden` for one that was not issued here or was spent already. */
export function consumeApproverProof(proof: VerifiedApprover): string {
  if (!issued.has(proof))
    throw new AppError('forbidden', 'Four eyes: the approver must prove who they are with their own passphrase.');
  issued.delete(proof);
  return proof.name;
}
