// What a flow author imports: the DSL, the value layer and the store's types.
@_exported import SpindleCards
@_exported import SpindleFlow
@_exported import SpindleStore
@_exported import SpindleValue
