//! Realistic programs that must check clean (guards against false positives).
mod common;
use common::*;

#[test]
fn chat_room() {
    let src = r#"
error RoomError { Full, Banned { who: String } }
struct Member { name: String, joined: Instant }
message RoomMsg {
    Join { name: String, reply: Reply[bool] },
    Say { from: String, text: String },
    Members { reply: Reply[[String]] },
    Forward { to: ActorRef[RoomMsg], reply: Reply[[String]] },
}

actor Room(cap: i64) implements RoomMsg do
    var members: Map[String, Member] = Map.new()
    var log: [String] = []
    var banned: Set[String] = Set.new()

    func admit(name: String) -> bool ! RoomError do
        if banned.contains(name) do
            fail RoomError.Banned { who: name }
        end
        if members.len() >= cap do
            fail .Full
        end
        members.set(name, Member { name, joined: now() })
        return true
    end

    receive do
        | Join { name, reply } => do
            let ok = admit(name) catch |e| match e {
                .Full => false,
                .Banned { who } => do
                    log = log ++ [$"banned {who} tried"]
                    false
                  end
            }
            reply.send(ok)
          end
        | Say { from, text } when text.is_empty() => return
        | Say { from, text } => log.push($"{from}: {text}")
        | Members { reply } => reply.send(members.keys())
        | Forward { to, reply } => to.send(Members { reply })
    end
end

func names(r: ActorRef[RoomMsg]) -> [String] ! AskError do
    return r.ask(Members, timeout: 2s)?
end

func main() do
    let room = spawn Room(10)
    let joined = room.ask(Join { name: "ada" })?
    if not joined do
        eprintln("could not join")
        return
    end
    room.send(Say { from: "ada", text: "hi" })
    let ns = names(room) catch []
    for n in ns do
        println($"member {n} with {"quotes"}")
    end
    let pairs: [(String, i64)] = [("a", 1), ("b", 2)]
    for (k, v) in pairs do
        println(k ++ v.to_string())
    end
    let (first, second) = (1, "two")
    println(first)
end
"#;
    assert_eq!(check(src), vec![]);
}

#[test]
fn data_processing() {
    let src = r#"
enum Token { Num { value: i64 }, Plus, Minus, End }
struct Lexer { input: [String], pos: i64 }
error LexError { Unexpected { ch: String, at: i64 } }

func next(lx: Lexer) -> (Token, Lexer) ! LexError do
    var l = lx
    if l.pos >= l.input.len() do
        return (.End, l)
    end
    let ch = l.input[l.pos]
    l.pos += 1
    return match ch {
        "+" => (Token.Plus, l),
        "-" => (.Minus, l),
        _ => do
            let n = parse_int(ch) catch |e| do
                fail LexError.Unexpected { ch, at: l.pos }
            end
            (Token.Num { value: n }, l)
          end
    }
end

func eval(src: String) -> i64 ! LexError do
    var lx = Lexer { input: src.chars(), pos: 0 }
    var total = 0
    var sign = 1
    while true do
        let (tok, rest) = next(lx)?
        lx = rest
        match tok {
            .Num { value } => total += sign * value,
            .Plus => sign = 1,
            .Minus => sign = -1,
            .End => break,
        }
    end
    return total
end

func lookup(m: Map[String, i64], k: String) -> ?i64 do
    if m.contains(k) do
        return m.get(k)
    end
    return null
end

func fallible_void(flag: bool) -> void ! LexError do
    if flag do
        fail .Unexpected { ch: "x", at: 0 }
    end
end

func main() do
    println(eval("1+2-3")?)
    var m: Map[String, i64] = Map.new()
    m.set("a", 1)
    let v = lookup(m, "a") ?? 0
    var grid: [[i64]] = [[0, 0], [0, 0]]
    grid[0][1] = v
    fallible_void(false)?
    let maybe: ?Token = null
    let described = match maybe {
        null => "none",
        .Num { value } => value.to_string(),
        other => "op",
    }
    println(described)
end
"#;
    assert_eq!(check(src), vec![]);
}
