print("grafos")
