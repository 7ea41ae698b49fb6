mod phrases;

fn main() {}
