//! The IR's data types: a program of functions; a function of typed locals, typed SSA values
//! and basic blocks ending in one terminator each. See `spec/ir.md` for why it has this form.

use janus_sema::Ty;
use janus_sema::types::DefId;
use janus_syntax::Span;

/// An SSA value: defined by exactly one instruction, usable wherever that definition
/// dominates (the verifier checks this as "defined on every path").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ValueId(pub u32);

/// A typed, mutable slot of a function (parameters, `let`/`var` bindings, compiler
/// temporaries that carry values across joins). Codegen maps them to Cranelift `Variable`s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlockId(pub u32);

/// Index into [`Program::functions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncId(pub u32);

#[derive(Clone, Debug, Default)]
pub struct Program {
    pub functions: Vec<Function>,
    /// Declaration names by [`DefId`] (for printing types) and their resolved shapes.
    pub defs: Vec<janus_sema::info::DefInfo>,
    /// The entry module's `main`, when there is one.
    pub main: Option<FuncId>,
    /// The `test "name"` blocks of the program's own modules (not the standard library's),
    /// in source order.
    pub tests: Vec<(String, FuncId)>,
    /// Every lowered actor, grain and behavior type: its functions and state, for the
    /// descriptor the runtime runs it by.
    pub actors: Vec<ActorPlan>,
    /// The static settings of every lowered supervisor, for the runtime.
    pub supervisors: Vec<SupervisorPlan>,
    /// Declarations this version could not lower (none in programs the checker accepts
    /// today), as `supervisor Tree`.
    pub not_lowered: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FnKind {
    /// A top-level `func` (or an actor helper, later).
    User(DefId),
    /// The initializer of a `const`: no parameters, called where the constant is used.
    Const(DefId),
    /// A `test "name"` block.
    Test,
    /// An actor's (or grain's) initializer: takes the start arguments (a grain's identity),
    /// initializes the fields in order.
    ActorInit(DefId),
    /// `on start`, `on stop` of an actor (the name says which).
    Hook(DefId),
    /// The actor's `receive`: takes the message and dispatches on it.
    Receive(DefId),
    /// The actor's `after` arm body.
    After(DefId),
    /// The duration of the actor's `after` arm (evaluated each time the timer is set).
    AfterDuration(DefId),
    /// A supervisor's start: binds its parameters, evaluates each child's arguments once,
    /// in order, and starts the children (`start_child`).
    SupervisorStart(DefId),
    /// The node a supervisor body names with `on node <expr>`.
    SupervisorNode(DefId),
    /// An `@intrinsic` declaration of the standard library: no blocks, the runtime supplies
    /// the body.
    Extern(DefId),
}

#[derive(Clone, Debug)]
pub struct Function {
    /// Qualified for printing: `main`, `geometry.area`, `const PI`, `test "adds"`.
    pub name: String,
    pub kind: FnKind,
    /// The first locals, in order, initialised on entry.
    pub params: Vec<LocalId>,
    /// The declared return type: `Void`, a value type, or a [`Ty::Union`] for fallible code.
    pub ret: Ty,
    pub locals: Vec<LocalDecl>,
    /// The type of each value, indexed by [`ValueId`].
    pub values: Vec<Ty>,
    /// `blocks[0]` is the entry.
    pub blocks: Vec<Block>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LocalDecl {
    pub name: String,
    pub ty: Ty,
    /// For code of an actor: the index of the actor's state slot this local lives in (start
    /// arguments, then fields, in declaration order). State locals keep their values between
    /// handler runs and count as assigned on entry (except in the actor's initializer).
    pub state: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub insts: Vec<Inst>,
    pub term: Term,
}

#[derive(Clone, Debug)]
pub struct Inst {
    /// `None` for operations without a result (stores, sends, void built-ins).
    pub dest: Option<ValueId>,
    pub op: Op,
    /// Where a run-time failure of this operation (overflow, index, ...) is reported.
    pub span: Span,
}

/// A memory location rooted at a local: `xs`, `p.x`, `grid[i].0`.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub local: LocalId,
    pub proj: Vec<Proj>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Proj {
    /// A struct field, by declaration index.
    Field(u32),
    /// A tuple element.
    Elem(u32),
    /// A list element (bounds-checked at run time).
    Index(ValueId),
}

/// An operand of a built-in: a value, or a place the built-in may change (`xs.push(x)`).
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Value(ValueId),
    Place(Place),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    /// Any integer type (the value fits the destination type).
    Int(i128),
    /// Bits of an `f64` (so that constants compare exactly).
    F64(u64),
    Bool(bool),
    Str(String),
    /// Nanoseconds.
    Duration(u64),
    /// The empty value of the destination's optional type.
    Null,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// Checked on integers (negating the minimum fails), IEEE on `f64`.
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// Arithmetic on integers fails on overflow; `Div`/`Rem` fail on zero and on
    /// `MIN / -1`; `f64` follows IEEE 754. `Add`/`Sub` also apply to `Duration` and
    /// `Instant` as §3 allows (checked).
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    /// Structural (in)equality on any type without `Reply`.
    Eq,
    Ne,
    /// Orderings on numbers, strings, bytes, durations, instants and tuples of them.
    Lt,
    Le,
    Gt,
    Ge,
    /// `++` on strings and lists.
    Concat,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Const(Const),
    /// Reads a place (copy semantics: the value is a snapshot).
    Load(Place),
    /// Writes a place (whole local, field, element, list index).
    Store(Place, ValueId),
    Unary(UnOp, ValueId),
    Binary(BinOp, ValueId, ValueId),
    /// A user function (or a constant's initializer).
    Call(FuncId, Vec<ValueId>),
    /// A built-in function or method from the closed list of §10 (see [`crate::builtins`]).
    Builtin(&'static str, Vec<Operand>),
    /// A struct value, fields in declaration order.
    Struct(DefId, Vec<ValueId>),
    /// Reads a struct field by declaration index.
    Field(ValueId, u32),
    Tuple(Vec<ValueId>),
    Elem(ValueId, u32),
    /// A list literal.
    List(Vec<ValueId>),
    /// A variant of an enum, error set or protocol: `(def, variant index, fields)`.
    Variant(DefId, u32, Vec<ValueId>),
    /// The variant index of an enum value (an `i64`), for `switch`.
    Tag(ValueId),
    /// Whether a value (of an enum or of several error sets) is this variant.
    IsVariant(ValueId, DefId, u32),
    /// Field `n` of variant `v`; only where the tag is known to be `v`.
    VariantField(ValueId, DefId, u32, u32),
    /// `T` into `?T`.
    Some(ValueId),
    IsNull(ValueId),
    /// `?T` into `T`; only where the value is known not to be `null`.
    Unwrap(ValueId),
    /// The value part of `T ! E`.
    Ok(ValueId),
    /// The ok value of `void ! E`.
    OkVoid,
    /// An error (of one of the union's sets) into `T ! E`.
    Err(ValueId),
    IsErr(ValueId),
    /// The value of an ok union; only where it is known to be ok.
    OkValue(ValueId),
    /// The error of a failed union; only where it is known to be an error.
    ErrValue(ValueId),
    /// A representation-preserving widening: an error set into a wider set of sets, a
    /// union into one with more sets, a reference to a protocol it includes.
    Upcast(ValueId),

    // Actors (see "Actors" in spec/ir.md).
    /// `spawn A(args) [on node]` -> `ActorRef[M]`.
    Spawn(DefId, Vec<ValueId>, Option<ValueId>),
    /// `Account(key)`: a grain reference by identity (activates nothing) -> `GrainRef[M]`.
    GrainRef(DefId, Vec<ValueId>),
    /// In a supervisor's start function: starts child `index` (an actor or supervisor
    /// `target`) with these arguments, after the previous child's `on start` finished ->
    /// its stable reference.
    StartChild {
        index: u32,
        target: DefId,
        args: Vec<ValueId>,
    },
    /// `sup.child`: the stable reference of child `index` of a running supervisor.
    Child(ValueId, u32),
    /// `r.send(msg)`.
    Send(ValueId, ValueId),
    /// `r.ask(V { .. }, timeout: d)`: variant `V` of protocol `def` with its fields in
    /// declaration order except the `Reply` one, which the runtime fills in ->
    /// `T ! AskError`.
    Ask {
        target: ValueId,
        def: DefId,
        variant: u32,
        fields: Vec<ValueId>,
        timeout: Option<ValueId>,
    },
    /// `reply.send(v)`.
    Reply(ValueId, ValueId),
    /// The running actor's own reference.
    SelfRef,
    /// `stop()`.
    Stop,
}

/// Why compiled code crashes on purpose.
#[derive(Clone, Debug, PartialEq)]
pub enum CrashKind {
    /// `panic(msg)`.
    Panic,
    /// `assert(cond)` / `assert(cond, msg)`.
    Assert,
    /// An error that reached the top of `main`, a test, or a handler (the value is the error).
    Uncaught,
}

#[derive(Clone, Debug)]
pub enum Term {
    Jump(BlockId),
    Branch {
        cond: ValueId,
        then: BlockId,
        else_: BlockId,
    },
    /// On an integer value (a tag or an `i64`): the first case equal to it, else `default`.
    Switch {
        value: ValueId,
        cases: Vec<(i128, BlockId)>,
        default: BlockId,
    },
    Return(Option<ValueId>),
    /// Ends the program (in `main`) or the actor, reporting the source location.
    Crash {
        kind: CrashKind,
        value: Option<ValueId>,
        span: Span,
    },
    /// Control cannot reach here (after an exhaustive match, for instance).
    Unreachable,
}

impl Term {
    pub fn successors(&self) -> Vec<BlockId> {
        match self {
            Term::Jump(b) => vec![*b],
            Term::Branch { then, else_, .. } => vec![*then, *else_],
            Term::Switch { cases, default, .. } => {
                let mut v: Vec<BlockId> = cases.iter().map(|c| c.1).collect();
                v.push(*default);
                v
            }
            Term::Return(_) | Term::Crash { .. } | Term::Unreachable => vec![],
        }
    }

    pub fn successors_mut(&mut self) -> Vec<&mut BlockId> {
        match self {
            Term::Jump(b) => vec![b],
            Term::Branch { then, else_, .. } => vec![then, else_],
            Term::Switch { cases, default, .. } => {
                let mut v: Vec<&mut BlockId> = cases.iter_mut().map(|c| &mut c.1).collect();
                v.push(default);
                v
            }
            Term::Return(_) | Term::Crash { .. } | Term::Unreachable => vec![],
        }
    }

    /// The values the terminator reads.
    pub fn uses(&self) -> Vec<ValueId> {
        match self {
            Term::Branch { cond, .. } => vec![*cond],
            Term::Switch { value, .. } => vec![*value],
            Term::Return(Some(v)) => vec![*v],
            Term::Crash { value: Some(v), .. } => vec![*v],
            _ => vec![],
        }
    }
}

impl Place {
    pub fn local(local: LocalId) -> Place {
        Place {
            local,
            proj: Vec::new(),
        }
    }

    pub fn uses(&self) -> Vec<ValueId> {
        self.proj
            .iter()
            .filter_map(|p| match p {
                Proj::Index(v) => Some(*v),
                _ => None,
            })
            .collect()
    }
}

impl Op {
    /// The values the operation reads (places contribute their index values).
    pub fn uses(&self) -> Vec<ValueId> {
        match self {
            Op::Const(_) | Op::OkVoid | Op::SelfRef | Op::Stop => vec![],
            Op::Load(p) => p.uses(),
            Op::Store(p, v) => {
                let mut u = p.uses();
                u.push(*v);
                u
            }
            Op::Unary(_, v)
            | Op::Field(v, _)
            | Op::Elem(v, _)
            | Op::Tag(v)
            | Op::IsVariant(v, _, _)
            | Op::VariantField(v, _, _, _)
            | Op::Some(v)
            | Op::IsNull(v)
            | Op::Unwrap(v)
            | Op::Ok(v)
            | Op::Err(v)
            | Op::IsErr(v)
            | Op::OkValue(v)
            | Op::ErrValue(v)
            | Op::Upcast(v)
            | Op::Child(v, _) => vec![*v],
            Op::Binary(_, a, b) | Op::Send(a, b) | Op::Reply(a, b) => vec![*a, *b],
            Op::Call(_, vs)
            | Op::Struct(_, vs)
            | Op::Tuple(vs)
            | Op::List(vs)
            | Op::Variant(_, _, vs)
            | Op::GrainRef(_, vs)
            | Op::StartChild { args: vs, .. } => vs.clone(),
            Op::Spawn(_, vs, on) => {
                let mut u = vs.clone();
                u.extend(on.iter().copied());
                u
            }
            Op::Ask {
                target,
                fields,
                timeout,
                ..
            } => {
                let mut u = vec![*target];
                u.extend(fields.iter().copied());
                u.extend(timeout.iter().copied());
                u
            }
            Op::Builtin(_, ops) => ops
                .iter()
                .flat_map(|o| match o {
                    Operand::Value(v) => vec![*v],
                    Operand::Place(p) => p.uses(),
                })
                .collect(),
        }
    }

    /// The locals the operation reads or writes through places.
    pub fn places(&self) -> Vec<&Place> {
        match self {
            Op::Load(p) | Op::Store(p, _) => vec![p],
            Op::Builtin(_, ops) => ops
                .iter()
                .filter_map(|o| match o {
                    Operand::Place(p) => Some(p),
                    Operand::Value(_) => None,
                })
                .collect(),
            _ => vec![],
        }
    }
}

impl Function {
    pub fn value_ty(&self, v: ValueId) -> Option<&Ty> {
        self.values.get(v.0 as usize)
    }

    pub fn local_ty(&self, l: LocalId) -> Option<&Ty> {
        self.locals.get(l.0 as usize).map(|d| &d.ty)
    }
}

/// An actor, grain or behavior type as the runtime needs it: which functions are its
/// initializer, hooks, `receive` and `after` arm, and how big its state is.
#[derive(Clone, Debug, PartialEq)]
pub struct ActorPlan {
    pub def: DefId,
    /// Qualified like its functions: `Counter`, `shop.Cart`.
    pub name: String,
    pub kind: janus_syntax::ast::ActorKind,
    /// State slots: the start arguments (the first `params`), then the fields.
    pub state_slots: u32,
    pub params: u32,
    pub init: FuncId,
    /// `on_start`, `on_stop`, `on_activate`, `on_deactivate`, by that name.
    pub hooks: Vec<(&'static str, FuncId)>,
    pub receive: Option<FuncId>,
    /// The `after` arm: (the duration function, the body).
    pub after: Option<(FuncId, FuncId)>,
    /// The behaviors mixed in with `does`, in order (each keeps its own state block).
    pub behaviors: Vec<DefId>,
    /// `@mailbox(capacity: N)`.
    pub mailbox: Option<u32>,
}

impl ActorPlan {
    pub fn hook(&self, name: &str) -> Option<FuncId> {
        self.hooks.iter().find(|h| h.0 == name).map(|h| h.1)
    }
}

/// A supervisor's settings and children as the runtime needs them (§5); the children's
/// arguments are evaluated by its `SupervisorStart` function.
#[derive(Clone, Debug, PartialEq)]
pub struct SupervisorPlan {
    pub def: DefId,
    pub start: FuncId,
    /// The `SupervisorNode` function, when the body says `on node ...`.
    pub node: Option<FuncId>,
    /// `one_for_one` (default), `one_for_all`, `rest_for_one`.
    pub strategy: String,
    /// At most this many restarts ...
    pub intensity: u64,
    /// ... within this many nanoseconds (default `3 within 5s`).
    pub window_ns: u64,
    /// `exponential(min, max)` in nanoseconds; `None` for `backoff: none`
    /// (default `exponential(min: 10ms, max: 5s)`).
    pub backoff: Option<(u64, u64)>,
    /// Child name, target (actor or supervisor) and restart type, in declaration order.
    pub children: Vec<(String, DefId, String)>,
}
