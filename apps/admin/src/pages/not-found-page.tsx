/** What an unknown path under /admin shows. */
export function NotFoundPage() {
  return (
    <section>
      <h1>Not found</h1>
      <p class="empty">
        No page here. <a href="/admin/">Go to the overview</a>.
      </p>
    </section>
  )
}
