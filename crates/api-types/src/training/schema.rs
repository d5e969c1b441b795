//! `TrainingRequest` in the OpenAPI document: the name's bounds from [`limits`], and
//! `params` tied to `algorithm`, so that a request the document calls valid is one the server
//! takes.

use crate::model::limits;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

/// A name: at most [`limits::NAME_MAX_CHARS`] characters, not blank, no control characters,
/// space around it allowed (it is trimmed).
pub(super) fn name() -> Object {
    const PATTERN: &str = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u001f\u007f-\u009f \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(limits::NAME_MAX_CHARS))
        .pattern(Some(PATTERN))
        .build()
}

/// `params` in the document: the forest's or the SVM's parameters (which one is checked
/// against `algorithm`), or null for the defaults.
pub(super) fn params() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::Ref;
    use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Schema, SchemaType, Type};
    let any_of = AnyOfBuilder::new()
        .item(Ref::from_schema_name("ForestParams"))
        .item(Ref::from_schema_name("SvmParams"))
        .item(ObjectBuilder::new().schema_type(SchemaType::Type(Type::Null)))
        .description(Some(
            "The algorithm's parameters (`ForestParams` or `SvmParams`, as `algorithm` says); \
             any left out take their defaults",
        ))
        .build();
    Schema::AnyOf(any_of)
}

/// The document's `TrainingRequest`: `original` with `params` tied to `algorithm` (the
/// forest's parameters for a forest, the SVM's for an SVM, or null), so that a request the
/// document calls valid is one the server takes.
pub fn training_request(
    original: utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
) -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::Ref;
    use utoipa::openapi::schema::{
        AllOfBuilder, AnyOfBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type,
    };
    let branch = |algorithm: crate::Algorithm, params: &str| {
        ObjectBuilder::new()
            .property(
                "algorithm",
                ObjectBuilder::new()
                    .schema_type(SchemaType::Type(Type::String))
                    .enum_values(Some([algorithm.as_str()])),
            )
            .property(
                "params",
                AnyOfBuilder::new()
                    .item(Ref::from_schema_name(params))
                    .item(ObjectBuilder::new().schema_type(SchemaType::Type(Type::Null))),
            )
            .required("algorithm")
    };
    let by_algorithm = OneOfBuilder::new()
        .item(branch(crate::Algorithm::RandomForest, "ForestParams"))
        .item(branch(crate::Algorithm::Svm, "SvmParams"));
    Schema::AllOf(
        AllOfBuilder::new()
            .item(original)
            .item(by_algorithm)
            .build(),
    )
}
