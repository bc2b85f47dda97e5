//! The dialect's own examples (with supporting declarations) check clean.
mod common;
use common::*;

#[test]
fn fib_and_loops() {
    let src = r#"
func fib(n: i64) -> i64 do
    if n < 2 do
        return n
    end
    return fib(n - 1) + fib(n - 2)
end

func main() do
    let xs: [i64] = [1, 2, 3]
    var total = 0
    for x in xs do
        total += x
    end
    for i in 0..<10 do
        total = total + i
    end
    while total > 100 do
        total -= 7
    end
    println($"total = {total}, fib(20) = {fib(20)}")
end
"#;
    assert_eq!(check(src), vec![]);
}

const SHAPES: &str = r#"
type UserId = i64
struct Message { user_id: UserId, text: String, at: Instant }
enum Shape { Circle { radius: f64 }, Rect { w: f64, h: f64 }, Dot }
error MathError { BadLuck, Overflow { at: i64 } }
"#;

#[test]
fn data_declarations_and_match() {
    let src = format!(
        "{SHAPES}{}",
        r#"
func area(s: Shape) -> f64 do
    return match s {
        Shape.Circle { radius } => 3.14159 * radius * radius,
        .Rect { w, h } when w == h => w * w,
        .Rect { w, h } => w * h,
        .Dot => 0.0,
    }
end

func main() do
    let m = Message { user_id: 1, text: "hi", at: now() }
    let c = Shape.Circle { radius: 1.0 }
    let r: Shape = .Rect { w: 1.0, h: 2.0 }
    println(area(c) + area(r))
    println(m.text)
end
"#
    );
    assert_eq!(check(&src), vec![]);
}

#[test]
fn errors_as_values() {
    let src = format!(
        "{SHAPES}{}",
        r#"
func fib(n: i64) -> i64 do
    if n < 2 do
        return n
    end
    return fib(n - 1) + fib(n - 2)
end

func checked_fib(n: i64) -> i64 ! MathError do
    if n == 13 do
        fail MathError.BadLuck
    end
    return fib(n)
end

func main() do
    let a = checked_fib(12) catch |e| do
        println($"failed: {e}")
        0
    end
    let b = checked_fib(13) catch 0
    println($"{a} {b}")
end
"#
    );
    assert_eq!(check(&src), vec![]);
}

pub const COUNTER: &str = r#"
message CounterMsg {
    Increment,
    Add { amount: i64 },
    Get { reply: Reply[i64] },
    Stop,
}

actor Counter(start: i64) implements CounterMsg do
    var count: i64 = start

    on start do
        println($"counter starts at {count}")
    end

    receive do
        | Increment => count += 1
        | Add { amount } => do
            count = count + amount
          end
        | Get { reply } => reply.send(count)
        | Stop => stop()
        after 30s => println("no messages for 30 seconds")
    end
end
"#;

#[test]
fn counter_actor() {
    let src = format!(
        "{COUNTER}{}",
        r#"
func main() do
    let c = spawn Counter(10)
    c.send(Increment)
    c.send(Add { amount: 5 })
    let n = c.ask(Get)?
    let m = c.ask(Get, timeout: 100ms) catch -1
    println($"{n} {m}")
    c.send(Stop)
end
"#
    );
    assert_eq!(check(&src), vec![]);
}

#[test]
fn supervisor_tree() {
    let src = r#"
message LobbyMsg { Open { room: String } }
message Ping { Ping }
actor LobbyManager implements LobbyMsg do
    receive do
        | Open { room } => println(room)
    end
end
actor MatchMaker(max: i64) implements Ping do
    receive do
        | Ping => println(max)
    end
end
actor MetricsCollector implements Ping do
    receive do
        | Ping => println("m")
    end
end
actor Db implements Ping do
    receive do
        | _ => println("db")
    end
end
supervisor StorageTree do
    child db: Db()
end
supervisor GameServer do
    strategy: one_for_one
    intensity: 5 within 10s
    backoff: exponential(min: 100ms, max: 10s)

    child lobby: LobbyManager()
    child matcher: MatchMaker(max: 10) restart: transient
    child metrics: MetricsCollector() restart: temporary
    child storage: StorageTree
end

func main() do
    let game = spawn GameServer()
    game.lobby.send(Open { room: "a" })
    game.storage.db.send(Ping)
end
"#;
    assert_eq!(check(src), vec![]);
}

#[test]
fn grain_account() {
    let src = r#"
message AccountMsg {
    Deposit { amount: i64 },
    Withdraw { amount: i64, reply: Reply[bool] },
    Balance { reply: Reply[i64] },
}

@requires(cap: [.storage_nvme])
@lifecycle(deactivation: .idle_timeout(30s))
grain Account(id: String) implements AccountMsg with Storage do
    var balance: i64 = 0
    @Volatile.Ephemeral var hits: i64 = 0

    on activate do hits = 0 end
    on deactivate do println($"{id} sleeps with {balance}") end

    receive do
        | Deposit { amount } => balance += amount
        | Withdraw { amount, reply } => do
            if amount > balance do
                reply.send(false)
            else
                balance -= amount
                reply.send(true)
            end
          end
        | Balance { reply } => reply.send(balance)
    end
end

func main() do
    let acct = Account("alice")
    acct.send(Deposit { amount: 100 })
    println(acct.ask(Balance)?)
end
"#;
    let m = manifest(
        &["storage_nvme", "gpu"],
        &[("n1", &["storage_nvme"]), ("n2", &["gpu"])],
    );
    assert_eq!(check_with(src, Some(&m)), vec![]);
    // Without a manifest: one warning that capability names went unchecked.
    assert_eq!(check(src), vec![(8, "W1001")]);
}
