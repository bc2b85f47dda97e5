//! The checker's representation of types, and the few structural questions asked about them
//! (assignability, equality, ordering, key types, network-crossability).
//!
//! Types are small trees; user-declared types are referred to by [`DefId`] so that recursive
//! structs and enums are finite. [`Ty::Error`] is the absorbing type: every check that meets it
//! succeeds silently, so one mistake produces one diagnostic.

/// Index of a declaration in the definition table (see `items.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntTy {
    I64,
    I32,
    U64,
}

impl IntTy {
    pub fn name(self) -> &'static str {
        match self {
            IntTy::I64 => "i64",
            IntTy::I32 => "i32",
            IntTy::U64 => "u64",
        }
    }

    /// Whether the (possibly negated) literal magnitude fits.
    pub fn fits(self, magnitude: u64, negative: bool) -> bool {
        match (self, negative) {
            (IntTy::U64, false) => true,
            (IntTy::U64, true) => magnitude == 0,
            (IntTy::I64, false) => magnitude <= i64::MAX as u64,
            (IntTy::I64, true) => magnitude <= i64::MAX as u64 + 1,
            (IntTy::I32, false) => magnitude <= i32::MAX as u64,
            (IntTy::I32, true) => magnitude <= i32::MAX as u64 + 1,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    /// A type that could not be determined; already reported. Absorbs every check.
    Error,
    /// The type of `return`, `fail`, `break`, `continue` and `panic(...)`.
    Never,
    Void,
    Bool,
    Int(IntTy),
    F64,
    Str,
    Bytes,
    Duration,
    Instant,
    NodeId,
    List(Box<Ty>),
    Map(Box<Ty>, Box<Ty>),
    Set(Box<Ty>),
    Tuple(Vec<Ty>),
    Optional(Box<Ty>),
    /// A struct, enum, error set or message protocol.
    Def(DefId),
    /// The error of a `catch` over several error sets (`AskError | MathError`).
    ErrSets(Vec<DefId>),
    /// A reference speaking these protocols (one, or a host's protocol plus its behaviors').
    ActorRef(Vec<DefId>),
    GrainRef(Vec<DefId>),
    Reply(Box<Ty>),
    /// A running supervisor tree: one field per child.
    Supervisor(DefId),
    /// `T ! E`: a value or an error of one of these sets.
    Union(Box<Ty>, Vec<DefId>),
    /// `a..b`: only as the iterable of `for`.
    Range(Box<Ty>),
}

impl Ty {
    pub fn list(t: Ty) -> Ty {
        Ty::List(Box::new(t))
    }
    pub fn opt(t: Ty) -> Ty {
        Ty::Optional(Box::new(t))
    }
    pub fn i64() -> Ty {
        Ty::Int(IntTy::I64)
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Ty::Error)
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int(_) | Ty::F64)
    }

    /// Whether the type mentions [`Ty::Error`] anywhere (then checks stay quiet).
    pub fn has_error(&self) -> bool {
        match self {
            Ty::Error => true,
            Ty::List(t) | Ty::Set(t) | Ty::Optional(t) | Ty::Reply(t) | Ty::Range(t) => {
                t.has_error()
            }
            Ty::Map(k, v) => k.has_error() || v.has_error(),
            Ty::Tuple(ts) => ts.iter().any(Ty::has_error),
            Ty::Union(t, _) => t.has_error(),
            _ => false,
        }
    }

    /// The value part of an error union; the type itself otherwise.
    pub fn ok_part(&self) -> &Ty {
        match self {
            Ty::Union(t, _) => t,
            t => t,
        }
    }

    /// The integer type a literal should take when this type is expected.
    pub fn int_hint(&self) -> Option<IntTy> {
        match self {
            Ty::Int(k) => Some(*k),
            Ty::Optional(t) | Ty::Union(t, _) => t.int_hint(),
            _ => None,
        }
    }
}

/// Whether a value of type `found` may be used where `expected` is wanted.
pub fn assignable(found: &Ty, expected: &Ty) -> bool {
    if found == expected {
        return true;
    }
    match (found, expected) {
        (Ty::Error, _) | (_, Ty::Error) | (Ty::Never, _) => true,
        (_, Ty::Optional(inner)) => {
            assignable(found, inner)
                || matches!(found, Ty::Optional(f) if assignable(f, inner))
                || matches!(found, Ty::Optional(f) if **f == Ty::Error)
        }
        (Ty::Union(f, fs), Ty::Union(e, es)) => {
            assignable(f, e) && fs.iter().all(|s| es.contains(s))
        }
        (_, Ty::Union(e, _)) => assignable(found, e),
        (Ty::ActorRef(a), Ty::ActorRef(b)) | (Ty::GrainRef(a), Ty::GrainRef(b)) => {
            b.iter().all(|p| a.contains(p))
        }
        (Ty::Tuple(a), Ty::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| assignable(x, y))
        }
        (Ty::List(a), Ty::List(b)) | (Ty::Set(a), Ty::Set(b)) | (Ty::Reply(a), Ty::Reply(b)) => {
            same(a, b)
        }
        (Ty::Map(ak, av), Ty::Map(bk, bv)) => same(ak, bk) && same(av, bv),
        (Ty::ErrSets(a), Ty::ErrSets(b)) => a.iter().all(|s| b.contains(s)),
        (Ty::Def(a), Ty::ErrSets(b)) => b.contains(a),
        _ => false,
    }
}

/// Structural equality where [`Ty::Error`] matches anything (invariant positions).
pub fn same(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Error, _) | (_, Ty::Error) => true,
        (Ty::List(x), Ty::List(y))
        | (Ty::Set(x), Ty::Set(y))
        | (Ty::Optional(x), Ty::Optional(y))
        | (Ty::Reply(x), Ty::Reply(y))
        | (Ty::Range(x), Ty::Range(y)) => same(x, y),
        (Ty::Map(a1, a2), Ty::Map(b1, b2)) => same(a1, b1) && same(a2, b2),
        (Ty::Tuple(xs), Ty::Tuple(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same(x, y))
        }
        (Ty::Union(x, xs), Ty::Union(y, ys)) => same(x, y) && xs == ys,
        _ => a == b,
    }
}

/// The least type both branches fit, when one of them fits the other.
pub fn join(a: &Ty, b: &Ty) -> Option<Ty> {
    if matches!(a, Ty::Never) {
        return Some(b.clone());
    }
    if matches!(b, Ty::Never) || assignable(b, a) {
        return Some(a.clone());
    }
    if assignable(a, b) {
        return Some(b.clone());
    }
    // `null` branches against a value branch: `?T`.
    None
}
