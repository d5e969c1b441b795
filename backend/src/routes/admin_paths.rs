//! Which paths only admins may reach: the guard in front of every route and the OpenAPI
//! document's security both read it here.

/// Path prefixes only admins may reach.
pub const ADMIN_PREFIXES: [&str; 3] = ["/api/admin", "/api/models", "/api/training"];

/// Whether only admins may reach `path` (one of [`ADMIN_PREFIXES`] or below it).
pub fn is_admin_path(path: &str) -> bool {
    ADMIN_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}
