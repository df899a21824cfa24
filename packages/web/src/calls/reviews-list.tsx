import type { CallDetail } from '@hotline/contract';

/** The host office's reviews of the request: who recommended what, the risks, who cleared it. */
export function ReviewsList({ reviews }: { reviews: CallDetail['reviews'] }) {
  if (reviews.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="reviews">
      <h2 id="reviews">Reviews</h2>
      <ul className="plain">
        {reviews.map((r) => (
          <li key={r.at}>
            <strong>{r.reviewer}</strong>: {r.recommendation} — {r.notes}{' '}
            {r.risks && <em>Risks: {r.risks}</em>}
            {r.clearances.length > 0 && <div className="meta">Cleared by {r.clearances.join(', ')}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}
