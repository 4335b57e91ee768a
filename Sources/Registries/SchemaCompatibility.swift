extension RegistrySchema {
    /// Why `newer` cannot follow `self` as the next version, or nothing when it can.
    ///
    /// Publishing never breaks a stored record: every record valid under `self` must stay valid
    /// under `newer`. So fields may be added (optional), enums may grow and bounds may widen;
    /// a field may not disappear, change type or format, or become required.
    public func incompatibilities(with newer: RegistrySchema) -> [Problem] {
        var problems: [Problem] = []
        if newer.key != key { problems.append(Problem(path: "/x-key", message: "the key field cannot change")) }
        if newer.personal != personal {
            problems.append(Problem(path: "/x-personal", message: "the personal field cannot change"))
        }
        for name in newer.required.subtracting(required).sorted() {
            problems.append(
                Problem(path: "/required", message: "\(name) would become required, and earlier records may lack it"))
        }
        for name in order {
            guard let old = fields[name] else { continue }
            let path = "/properties/\(name)"
            guard let new = newer.fields[name] else {
                problems.append(Problem(path: path, message: "a field cannot be removed: earlier records hold it"))
                continue
            }
            if new.kind != old.kind {
                problems.append(Problem(path: "\(path)/type", message: "the type cannot change"))
            }
            if new.format != old.format {
                problems.append(Problem(path: "\(path)/format", message: "the format cannot change"))
            }
            if new.reference != old.reference {
                problems.append(Problem(path: "\(path)/x-ref", message: "the reference cannot change"))
            }
            if let newChoices = new.choices, !Set(old.choices ?? []).isSubset(of: newChoices) || old.choices == nil {
                problems.append(Problem(path: "\(path)/enum", message: "choices may be added, never removed"))
            }
            if Self.tighter(new.minLength, than: old.minLength, lower: true) {
                problems.append(Problem(path: "\(path)/minLength", message: "may only be lowered"))
            }
            if Self.tighter(new.maxLength, than: old.maxLength, lower: false) {
                problems.append(Problem(path: "\(path)/maxLength", message: "may only be raised"))
            }
            if Self.tighter(new.minimum, than: old.minimum, lower: true) {
                problems.append(Problem(path: "\(path)/minimum", message: "may only be lowered"))
            }
            if Self.tighter(new.maximum, than: old.maximum, lower: false) {
                problems.append(Problem(path: "\(path)/maximum", message: "may only be raised"))
            }
        }
        return problems
    }

    /// True when `new` admits fewer values than `old` (nil means no bound).
    private static func tighter<T: Comparable>(_ new: T?, than old: T?, lower: Bool) -> Bool {
        guard let new else { return false }
        guard let old else { return true }
        return lower ? new > old : new < old
    }
}
