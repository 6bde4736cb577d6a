/// A raw pointer shared by concurrent chunks, each writing only its own slots (unchecked:
/// safety rests on that). Local to this module so that the hot loops inline every access.
struct Pointer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>?
    init(_ base: UnsafeMutablePointer<Element>?) { self.base = base }
}

/// A read-only buffer shared by concurrent chunks.
struct SharedReadOnly<Element>: @unchecked Sendable {
    let base: UnsafeBufferPointer<Element>
    init(_ base: UnsafeBufferPointer<Element>) { self.base = base }
}
