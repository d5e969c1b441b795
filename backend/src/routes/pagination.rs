//! `?page=&per_page=` for list endpoints, with a 422 naming the bad parameter.

use crate::error::ApiError;
use crate::routes::query;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use lifeboat_api_types::Page;
use serde::Deserialize;

/// Largest page a client may ask for.
pub const MAX_PER_PAGE: u32 = 100;

/// A validated page request: `page` from 1, `per_page` from 1 to 100 (default 10).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pagination {
    pub page: u32,
    pub per_page: u32,
}

/// The query string as it arrives (numbers read by hand, for our own 422), and as the
/// OpenAPI document describes it.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, from 1.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000)]
    page: Option<String>,
    /// Items per page, 1 to 100 (default 10).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    per_page: Option<String>,
}

impl Pagination {
    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    /// The answer: this page's `items` out of `total`.
    pub fn page_of<T>(&self, items: Vec<T>, total: i64) -> Page<T> {
        Page {
            items,
            total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Pagination {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let raw: PageQuery = query::read(&parts.uri)?;
        Ok(Self {
            page: query::whole_number(raw.page.as_deref(), "page", 1, 1_000_000)?,
            per_page: query::whole_number(raw.per_page.as_deref(), "per_page", 10, MAX_PER_PAGE)?,
        })
    }
}
