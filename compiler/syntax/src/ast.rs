//! The abstract syntax tree: what the parser builds and the checker reads.
//!
//! The AST is faithful to what was written, with byte spans on every node. It knows nothing
//! about names or types: `Shape.Circle` is a field access on the name `Shape` until the
//! checker says otherwise, and a bare name in a pattern is a binding until the checker finds
//! that it names a variant of the scrutinee's type.

use crate::span::{FileId, Span};

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// One parsed source file.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    pub file: FileId,
    pub items: Vec<Item>,
}

// ---------------------------------------------------------------------------------------------
// Items

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// `@requires(...)`, `@mailbox(...)`, `@lifecycle(...)`, `@placement(...)`, `@intrinsic`.
    pub attrs: Vec<Attribute>,
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ItemKind {
    Import(Import),
    Func(FuncDecl),
    Struct(StructDecl),
    /// `enum`, `error` and `message` declarations: named sets of variants.
    Enum(EnumDecl),
    TypeAlias(TypeAlias),
    Const(ConstDecl),
    /// `actor`, `grain` and `behavior` declarations.
    Actor(ActorDecl),
    Supervisor(SupervisorDecl),
    Capability(Ident),
    Test(TestDecl),
    /// A stretch the parser could not make sense of; already reported.
    Error,
}

/// `@name`, `@Path.Tag` or `@name(args)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// `["requires"]`, `["Volatile", "Ephemeral"]`.
    pub path: Vec<Ident>,
    /// `None` when written without parentheses.
    pub args: Option<Vec<Arg>>,
    pub span: Span,
}

/// `import a.b`, `import a.b as c`, `import a.b.{X, Y}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    pub path: Vec<Ident>,
    pub alias: Option<Ident>,
    pub names: Vec<Ident>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub ty: TypeExpr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FuncDecl {
    pub name: Ident,
    pub params: Vec<Param>,
    pub ret: Option<TypeExpr>,
    /// `with Storage, Net`.
    pub caps: Vec<Ident>,
    /// `None` only for `@intrinsic` declarations of the standard library.
    pub body: Option<Block>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StructDecl {
    pub name: Ident,
    pub fields: Vec<FieldDecl>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumKind {
    Enum,
    Error,
    Message,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumDecl {
    pub kind: EnumKind,
    pub name: Ident,
    pub variants: Vec<VariantDecl>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VariantDecl {
    pub name: Ident,
    /// `None` for a unit variant (`Dot`); `Some(vec![])` for `Dot {}`.
    pub fields: Option<Vec<FieldDecl>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeAlias {
    pub name: Ident,
    pub ty: TypeExpr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConstDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub value: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorKind {
    Actor,
    Grain,
    Behavior,
}

/// `actor|grain|behavior Name(params) implements M does B1, B2 with C1 do members end`.
#[derive(Clone, Debug, PartialEq)]
pub struct ActorDecl {
    pub kind: ActorKind,
    pub name: Ident,
    /// `None` when the parameter list is left out (`actor Log implements LogMsg do`).
    pub params: Option<Vec<Param>>,
    pub implements: Option<TypeExpr>,
    pub does: Vec<TypeExpr>,
    pub caps: Vec<Ident>,
    pub members: Vec<Member>,
    /// The span of the header, from the keyword to `do`.
    pub header_span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Member {
    Field(FieldDef),
    Func(FuncDecl),
    Hook(Hook),
    Receive(Receive),
    /// A stretch the parser could not make sense of; already reported.
    Error(Span),
}

/// `var count: i64 = start` (or `let`), with its memory tag attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDef {
    pub attrs: Vec<Attribute>,
    pub mutable: bool,
    pub name: Ident,
    pub ty: Option<TypeExpr>,
    pub init: Expr,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookKind {
    Start,
    Stop,
    Activate,
    Deactivate,
}

/// `on start do ... end`.
#[derive(Clone, Debug, PartialEq)]
pub struct Hook {
    pub kind: HookKind,
    /// The span of the word after `on` (`start`).
    pub kind_span: Span,
    pub body: Block,
    pub span: Span,
}

/// `receive do | pattern when guard => body ... after d => body end`.
#[derive(Clone, Debug, PartialEq)]
pub struct Receive {
    pub arms: Vec<ReceiveArm>,
    pub after: Option<AfterArm>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReceiveArm {
    pub pattern: Pattern,
    pub guard: Option<Expr>,
    pub body: ArmBody,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AfterArm {
    pub duration: Expr,
    pub body: ArmBody,
    pub span: Span,
}

/// The body of a `match` or `receive` arm: an expression (including a `do ... end` block,
/// `return`, `fail`, `break`, `continue`) or one assignment.
#[derive(Clone, Debug, PartialEq)]
pub enum ArmBody {
    Expr(Expr),
    Assign(Assign),
}

impl ArmBody {
    pub fn span(&self) -> Span {
        match self {
            ArmBody::Expr(e) => e.span,
            ArmBody::Assign(a) => a.span,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SupervisorDecl {
    pub name: Ident,
    pub params: Option<Vec<Param>>,
    pub settings: Vec<SupervisorSetting>,
    /// `on node "n1"` in the body.
    pub on_node: Option<Expr>,
    pub children: Vec<ChildSpec>,
    pub header_span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SupervisorSetting {
    pub kind: SettingKind,
    /// The span of the setting's name (`strategy`).
    pub name_span: Span,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SettingKind {
    /// `strategy: one_for_one`.
    Strategy(Ident),
    /// `intensity: 5 within 10s`.
    Intensity { count: Expr, window: Expr },
    /// `backoff: exponential(min: 100ms, max: 10s)` or `backoff: none`, kept as an
    /// expression (a call or a name) for the checker to validate.
    Backoff(Expr),
}

/// `child lobby: LobbyManager() restart: transient`.
#[derive(Clone, Debug, PartialEq)]
pub struct ChildSpec {
    pub name: Ident,
    /// The callee name (`LobbyManager`, or a qualified `m.LobbyManager`).
    pub target: Expr,
    /// `None` for `child storage: StorageTree` written without parentheses.
    pub args: Option<Vec<Arg>>,
    pub restart: Option<Ident>,
    pub span: Span,
}

/// `test "name" with Caps do ... end`.
#[derive(Clone, Debug, PartialEq)]
pub struct TestDecl {
    pub name: String,
    pub name_span: Span,
    pub caps: Vec<Ident>,
    pub body: Block,
}

// ---------------------------------------------------------------------------------------------
// Types

#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeExprKind {
    /// `i64`, `Shape`, `chat.Msg`, `Map[K, V]`, `ActorRef[M]`, `Option[T]`.
    Named {
        path: Vec<Ident>,
        args: Vec<TypeExpr>,
    },
    /// `[T]`.
    List(Box<TypeExpr>),
    /// `(A, B)`; `()` is the empty tuple.
    Tuple(Vec<TypeExpr>),
    /// `?T`.
    Optional(Box<TypeExpr>),
    /// `T ! E` or `T ! (E1 | E2)`.
    ErrorUnion {
        ok: Box<TypeExpr>,
        errors: Vec<TypeExpr>,
    },
    Error,
}

// ---------------------------------------------------------------------------------------------
// Statements

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `let p: T = e`, `var x = e` (also with `:=`).
    Let {
        mutable: bool,
        pat: Pattern,
        ty: Option<TypeExpr>,
        init: Expr,
    },
    Assign(Assign),
    Expr(Expr),
    While {
        cond: Expr,
        body: Block,
    },
    For {
        pat: Pattern,
        iter: Expr,
        body: Block,
    },
    /// A statement the parser could not make sense of; already reported.
    Error,
}

/// `target = value` or `target op= value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Assign {
    pub target: Expr,
    /// `Some(Add)` for `+=`.
    pub op: Option<BinOp>,
    pub value: Expr,
    pub span: Span,
}

// ---------------------------------------------------------------------------------------------
// Expressions

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// An integer literal's value; literals above `u64::MAX` are reported by the parser.
    Int(u64),
    Float(f64),
    Bool(bool),
    Str(String),
    /// `$"..."`: literal pieces and interpolated expressions in order.
    Interp(Vec<InterpPart>),
    /// `250ms`, kept exactly as nanoseconds.
    Duration(u64),
    Null,
    SelfRef,
    Name(Ident),
    /// `.Circle` or `.storage_nvme`: a variant of the expected type, or a capability atom.
    DotName(Ident),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    /// `Point { x: 1, y }`, `Shape.Circle { radius: 1.0 }`, `.Rect { w, h }`.
    StructLit {
        path: Box<Expr>,
        fields: Vec<FieldInit>,
    },
    /// `f(a, b: c)`, `xs.push(x)`, `c.ask(Get, timeout: 1s)`.
    Call {
        callee: Box<Expr>,
        args: Vec<Arg>,
    },
    Field {
        base: Box<Expr>,
        name: Ident,
    },
    /// `t.0`.
    TupleField {
        base: Box<Expr>,
        index: u32,
        index_span: Span,
    },
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    Unary {
        op: UnOp,
        expr: Box<Expr>,
    },
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Range {
        lo: Box<Expr>,
        hi: Box<Expr>,
        inclusive: bool,
    },
    /// `e?` and `try e`.
    Try(Box<Expr>),
    /// `e catch default` or `e catch |err| handler`.
    Catch {
        expr: Box<Expr>,
        binding: Option<Ident>,
        handler: Box<Expr>,
    },
    If {
        cond: Box<Expr>,
        then: Block,
        else_: Option<Box<Expr>>,
    },
    Match {
        scrutinee: Box<Expr>,
        arms: Vec<MatchArm>,
    },
    Block(Block),
    /// `spawn Target(args) on node`.
    Spawn {
        target: Box<Expr>,
        on: Option<Box<Expr>>,
    },
    Return(Option<Box<Expr>>),
    Fail(Box<Expr>),
    Break,
    Continue,
    /// An expression the parser could not make sense of; already reported.
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub enum InterpPart {
    Lit(String),
    Expr(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldInit {
    pub name: Ident,
    /// `None` for the shorthand `{ x }`, meaning `{ x: x }`.
    pub value: Option<Expr>,
    pub span: Span,
}

/// A call or attribute argument: positional, or named (`max: 10`).
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    /// `++`.
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    /// `??`.
    Coalesce,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::Concat => "++",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Coalesce => "??",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct MatchArm {
    pub pattern: Pattern,
    pub guard: Option<Expr>,
    pub body: ArmBody,
    pub span: Span,
}

// ---------------------------------------------------------------------------------------------
// Patterns

#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    pub kind: PatternKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PatternKind {
    Wildcard,
    /// A bare name: binds, unless the checker finds it names a variant of the scrutinee.
    Binding(Ident),
    /// Integer (possibly negative), float, string or bool literal.
    Literal(Literal),
    Null,
    Tuple(Vec<Pattern>),
    /// `Shape.Circle`, `.Dot`, `Rect { w, h: 2.0 }`, `Pair(a, b)`.
    Variant {
        path: VariantPath,
        fields: VariantFields,
    },
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// Negative literals in patterns carry their sign here.
    Int(i128),
    Float(f64),
    Str(String),
    Bool(bool),
}

/// How a variant is named in a pattern.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantPath {
    /// `["Shape"]` in `Shape.Circle`; `["m", "Shape"]` in `m.Shape.Circle`; empty for `.Circle`
    /// and for a bare `Circle { .. }`.
    pub qualifier: Vec<Ident>,
    /// Written with a leading dot (`.Circle`).
    pub leading_dot: bool,
    pub name: Ident,
}

#[derive(Clone, Debug, PartialEq)]
pub enum VariantFields {
    /// `Dot`, `.Dot`.
    None,
    /// `Rect { w, h: 2.0 }`; `None` pattern is the shorthand that binds the field's name.
    Named(Vec<FieldPattern>),
    /// `Rect(w, h)`: fields by declaration order.
    Positional(Vec<Pattern>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldPattern {
    pub name: Ident,
    pub pattern: Option<Pattern>,
    pub span: Span,
}
