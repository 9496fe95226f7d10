//! The management lists' pages (FDX, UK, CDR): read one after another to the end, within a
//! bound on pages and a deadline for the whole list.

use super::UpstreamError;
use std::time::Duration;

/// Items asked for per page of a management list (FDX, UK, CDR), and at most this many pages
/// (5,000 consents) for one customer.
pub(super) const LIST_PAGE: usize = 100;
const LIST_MAX_PAGES: usize = 50;

/// How long one list may take, all its pages together: each page has [`super::REQUEST_TIMEOUT`].
const LIST_DEADLINE: Duration = Duration::from_secs(10);

/// Every item of a management list, which answers pages of at most [`LIST_PAGE`] with no cursor
/// of its own: `page(after)` asks for the page after the item whose id is `after`, until a short
/// page. A page with nothing new (a server that ignores the cursor) ends it too, and so does the
/// bound on pages. A list not read within [`LIST_DEADLINE`] is a timeout.
pub(super) async fn all_pages<T, Fut>(
    page: impl FnMut(Option<String>) -> Fut,
    id: impl Fn(&T) -> &str,
) -> Result<Vec<T>, UpstreamError>
where
    Fut: std::future::Future<Output = Result<Vec<T>, UpstreamError>>,
{
    pages_within(LIST_DEADLINE, page, id).await
}

async fn pages_within<T, Fut>(
    deadline: Duration,
    page: impl FnMut(Option<String>) -> Fut,
    id: impl Fn(&T) -> &str,
) -> Result<Vec<T>, UpstreamError>
where
    Fut: std::future::Future<Output = Result<Vec<T>, UpstreamError>>,
{
    tokio::time::timeout(deadline, pages(page, id)).await.map_err(|_| UpstreamError::Timeout)?
}

async fn pages<T, Fut>(
    mut page: impl FnMut(Option<String>) -> Fut,
    id: impl Fn(&T) -> &str,
) -> Result<Vec<T>, UpstreamError>
where
    Fut: std::future::Future<Output = Result<Vec<T>, UpstreamError>>,
{
    let mut all: Vec<T> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut after: Option<String> = None;
    for _ in 0..LIST_MAX_PAGES {
        let items = page(after.take()).await?;
        let full = items.len() >= LIST_PAGE;
        let before = all.len();
        for item in items {
            if seen.insert(id(&item).to_string()) {
                all.push(item);
            }
        }
        if !full || all.len() == before {
            return Ok(all);
        }
        after = all.last().map(|last| id(last).to_string());
    }
    // Said to the operator: the customer may see the first pages only.
    tracing::warn!(
        items = all.len(),
        "a consent list was read to its bound of {LIST_MAX_PAGES} full pages; it may go on"
    );
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page after `after` of the ids `0..total`, `late`.
    async fn numbered(after: Option<String>, late: Duration, total: usize) -> Result<Vec<String>, UpstreamError> {
        tokio::time::sleep(late).await;
        let from = after.map_or(0, |a| a.parse::<usize>().unwrap() + 1);
        Ok((from..total.min(from + LIST_PAGE)).map(|n| n.to_string()).collect())
    }

    #[tokio::test]
    async fn a_list_is_read_to_its_short_page_and_never_past_its_bound() {
        let all = all_pages(|after| numbered(after, Duration::ZERO, 250), |s: &String| s.as_str()).await.unwrap();
        assert_eq!(all.len(), 250);
        assert_eq!(all.last().map(String::as_str), Some("249"));
        let endless =
            all_pages(|after| numbered(after, Duration::ZERO, usize::MAX), |s: &String| s.as_str()).await.unwrap();
        assert_eq!(endless.len(), LIST_PAGE * LIST_MAX_PAGES);
        // A server that ignores the cursor answers the first page again: that ends the list.
        let again = all_pages(|_| numbered(None, Duration::ZERO, 500), |s: &String| s.as_str()).await.unwrap();
        assert_eq!(again.len(), LIST_PAGE);
    }

    #[tokio::test]
    async fn a_list_whose_pages_come_slowly_is_a_timeout_as_a_whole() {
        let slow = |after| numbered(after, Duration::from_millis(40), usize::MAX);
        let err = pages_within(Duration::from_millis(200), slow, |s: &String| s.as_str()).await.unwrap_err();
        assert!(matches!(err, UpstreamError::Timeout), "{err}");
        let quick = |after| numbered(after, Duration::from_millis(1), 150);
        assert_eq!(pages_within(Duration::from_secs(2), quick, |s: &String| s.as_str()).await.unwrap().len(), 150);
    }
}
