//! Bounded numbers in the OpenAPI document. Each module that owns bounds builds its fields'
//! schemas with these from its constants (`schema(schema_with = …)`; utoipa's `minimum` and
//! `maximum` attributes take literals only), so the document says what the server enforces.

use utoipa::openapi::schema::{KnownFormat, Object, ObjectBuilder, SchemaFormat, SchemaType, Type};

/// A whole number from `min` to `max`, `null` too when `nullable`, with its `default`.
pub(crate) fn whole(
    min: u64,
    max: u64,
    nullable: bool,
    description: String,
    default: Option<serde_json::Value>,
) -> Object {
    let kind = if nullable {
        SchemaType::from_iter([Type::Integer, Type::Null])
    } else {
        SchemaType::Type(Type::Integer)
    };
    ObjectBuilder::new()
        .schema_type(kind)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min))
        .maximum(Some(max))
        .description(Some(description))
        .default(default)
        .build()
}

/// A number from 0 (itself excluded when `above_zero`) to `max`, `null` too when `nullable`,
/// with its `default`.
pub(crate) fn amount(
    max: f64,
    above_zero: bool,
    nullable: bool,
    description: String,
    default: Option<serde_json::Value>,
) -> Object {
    let kind = if nullable {
        SchemaType::from_iter([Type::Number, Type::Null])
    } else {
        SchemaType::Type(Type::Number)
    };
    let builder = ObjectBuilder::new()
        .schema_type(kind)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Double)))
        .maximum(Some(max))
        .description(Some(description))
        .default(default);
    if above_zero {
        builder.exclusive_minimum(Some(0.0)).build()
    } else {
        builder.minimum(Some(0.0)).build()
    }
}
