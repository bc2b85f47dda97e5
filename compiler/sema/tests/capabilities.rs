//! Effect capabilities (E0901, E0902) and placement contracts (E1001-E1005, W1001).
mod common;
use common::*;

#[test]
fn call_without_capability() {
    let src = "func save() with Storage do\nend\nfunc main() do\n    save()\nend\n";
    assert_eq!(check(src), vec![(4, "E0901")]);
    let m = message(src, "E0901");
    assert!(
        m.contains("`main` calls `save`, which needs `Storage`"),
        "{m}"
    );
    assert!(m.contains("add `with Storage` to `main`"), "{m}");
}

#[test]
fn caller_holding_capability_is_fine() {
    let src = "func save() with Storage do\nend\nfunc main() with Storage do\n    save()\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn call_chain_is_named() {
    let src = "func write() with Storage do\nend\nfunc save() with Storage do\n    write()\nend\nfunc main() do\n    save()\nend\n";
    assert_eq!(check(src), vec![(7, "E0901")]);
    let m = message(src, "E0901");
    assert!(m.contains("call chain: `main` -> `save` -> `write`"), "{m}");
}

#[test]
fn helper_missing_capability_is_reported_at_helper() {
    let src = "func write() with Storage do\nend\nfunc helper() do\n    write()\nend\nfunc main() with Storage do\n    helper()\nend\n";
    assert_eq!(check(src), vec![(4, "E0901")]);
}

#[test]
fn unknown_capability_suggests() {
    let src = "func f() with Storag do\nend\n";
    assert_eq!(check(src), vec![(1, "E0902")]);
    assert!(message(src, "E0902").contains("did you mean `Storage`?"));
}

#[test]
fn declared_capabilities() {
    let src = "capability Payments\nfunc charge() with Payments do\nend\nfunc main() with Payments, Net do\n    charge()\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn actor_handlers_hold_actor_capabilities() {
    let src = "message M { Go }\nfunc save() with Storage do\nend\nactor A implements M with Storage do\n    func helper() do\n        save()\n    end\n    receive do\n        | Go => save()\n    end\nend\nactor B implements M do\n    receive do\n        | Go => save()\n    end\nend\n";
    assert_eq!(check(src), vec![(14, "E0901")]);
    assert!(message(src, "E0901").contains("actor `B`"));
}

#[test]
fn spawning_and_messaging_need_nothing() {
    let src = "message M { Go }\nactor A implements M with Storage do\n    receive do\n        | Go => println(1)\n    end\nend\nfunc main() do\n    let a = spawn A()\n    a.send(Go)\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn test_blocks_hold_their_capabilities() {
    let src = "func save() with Storage do\nend\ntest \"saves\" with Storage do\n    save()\nend\ntest \"no caps\" do\n    save()\nend\n";
    assert_eq!(check(src), vec![(7, "E0901")]);
}

#[test]
fn std_function_capability_through_module() {
    let std = "@intrinsic\nfunc put(k: String, v: String) with Storage\nfunc store(k: String) with Storage do\n    put(k, k)\nend\n";
    let main = "import std.kv\nfunc main() do\n    kv.store(\"a\")\nend\n";
    let ds = diags_modules(&[("", main), ("std.kv", std)], &[], None);
    assert_eq!(
        ds.iter()
            .map(|(f, l, d)| (*f, *l, d.code))
            .collect::<Vec<_>>(),
        vec![(0, 3, "E0901")]
    );
    assert!(
        ds[0]
            .2
            .notes
            .iter()
            .any(|n| n.contains("`kv.store` -> `kv.put`")),
        "{:?}",
        ds[0].2.notes
    );
}

const GPU_ACTOR: &str = "message M { Go }\n@requires(cap: [.gpu])\nactor Trainer implements M do\n    receive do\n        | Go => println(1)\n    end\nend\n";

#[test]
fn requires_unknown_capability() {
    let src = "message M { Go }\n@requires(cap: [.gpo])\nactor T implements M do\n    receive do\n        | Go => println(1)\n    end\nend\n";
    let m = manifest(&["gpu", "storage_nvme"], &[]);
    assert_eq!(check_with(src, Some(&m)), vec![(2, "E1001")]);
    assert!(message_with(src, "E1001", Some(&m)).contains("did you mean `.gpu`?"));
}

#[test]
fn spawn_on_node_lacking_capability() {
    let src = format!(
        "{GPU_ACTOR}func main() do\n    let a = spawn Trainer() on \"n1\"\n    let b = spawn Trainer() on \"n2\"\nend\n"
    );
    let m = manifest(
        &["gpu", "storage_nvme"],
        &[("n1", &["storage_nvme"]), ("n2", &["gpu"])],
    );
    assert_eq!(check_with(&src, Some(&m)), vec![(9, "E1002")]);
    assert!(message_with(&src, "E1002", Some(&m)).contains("`.gpu`"));
}

#[test]
fn spawn_on_unknown_node() {
    let src = format!("{GPU_ACTOR}func main() do\n    let a = spawn Trainer() on \"n3\"\nend\n");
    let m = manifest(&["gpu"], &[("n1", &["gpu"]), ("n2", &["gpu"])]);
    assert_eq!(check_with(&src, Some(&m)), vec![(9, "E1004")]);
}

#[test]
fn requirement_no_node_satisfies() {
    let m = manifest(&["gpu", "storage_nvme"], &[("n1", &["storage_nvme"])]);
    assert_eq!(check_with(GPU_ACTOR, Some(&m)), vec![(2, "E1003")]);
    // Without a node list there is nothing to compare against.
    let m2 = manifest(&["gpu"], &[]);
    assert_eq!(check_with(GPU_ACTOR, Some(&m2)), vec![]);
}

#[test]
fn no_manifest_one_warning() {
    let src = format!(
        "{GPU_ACTOR}@requires(cap: [.disk])\nactor Other implements M do\n    receive do\n        | Go => println(1)\n    end\nend\nfunc main() do\n    let a = spawn Trainer() on \"anywhere\"\nend\n"
    );
    assert_eq!(check(&src), vec![(2, "W1001")]);
    assert_eq!(check("func main() do\nend\n"), vec![]);
}

#[test]
fn placement_policy() {
    let src = "message M { Go }\n@placement(.least_loaded)\nactor A implements M do\n    receive do\n        | Go => println(1)\n    end\nend\n@placement(.hsah)\nactor B implements M do\n    receive do\n        | Go => println(1)\n    end\nend\n";
    assert_eq!(check(src), vec![(8, "E1005")]);
    assert!(message(src, "E1005").contains("did you mean `.hash`?"));
}

#[test]
fn malformed_requires() {
    let src = "message M { Go }\n@requires(gpu)\nactor A implements M do\n    receive do\n        | Go => println(1)\n    end\nend\n";
    assert_eq!(check(src), vec![(2, "E1005")]);
}

#[test]
fn supervisor_on_node() {
    let src = "message M { Go }\nactor A implements M do\n    receive do\n        | Go => println(1)\n    end\nend\n@requires(cap: [.gpu])\nsupervisor S do\n    on node \"n1\"\n    child a: A()\nend\n";
    let m = manifest(&["gpu"], &[("n1", &[]), ("n2", &["gpu"])]);
    assert_eq!(check_with(src, Some(&m)), vec![(9, "E1002")]);
}
