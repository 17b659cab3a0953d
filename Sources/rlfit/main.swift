print("rlfit")
